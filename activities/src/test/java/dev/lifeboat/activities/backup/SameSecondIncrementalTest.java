package dev.lifeboat.activities.backup;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.BaseBackupTask;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class SameSecondIncrementalTest {

  @Test
  void anIncrementalWithItsOwnIdAsParentIsRefusedBeforeAnythingIsTouched() {
    // No configuration, store or connection: the refusal must come before any of them is used.
    BackupActivitiesImpl activities = new BackupActivitiesImpl(null, null, null, Clock.systemUTC());
    NodeSpec node = new NodeSpec("a", "r", 100, 1, "127.0.0.1", 5432, "shop", "postgres", null);
    BaseBackupTask task =
        new BaseBackupTask(
            "pg18", "20261126T002249Z-incr", node, "nas", "stream", "20261126T002249Z-incr");

    assertThatThrownBy(() -> activities.takeIncremental(task))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              org.assertj.core.api.Assertions.assertThat(f.getType())
                  .isEqualTo(ErrorTypes.PARENT_NOT_USABLE);
              org.assertj.core.api.Assertions.assertThat(f.isNonRetryable()).isTrue();
            })
        .hasMessageContaining("would build on itself: it started in the same second as its parent");
  }
}
