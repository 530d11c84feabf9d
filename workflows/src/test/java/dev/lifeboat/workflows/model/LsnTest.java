package dev.lifeboat.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void parsesBothHalves() {
    assertThat(Lsn.parse("0/3000148")).isEqualTo(0x3000148L);
    assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
  }

  @Test
  void formatsLikePostgres() {
    assertThat(Lsn.format((0x16L << 32) | 0xB374D848L)).isEqualTo("16/B374D848");
    assertThat(Lsn.format(Lsn.parse("0/3000148"))).isEqualTo("0/3000148");
  }

  @Test
  void rejectsTextThatIsNotAnLsn() {
    assertThatThrownBy(() -> Lsn.parse("3000148"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'3000148' is not an LSN");
    assertThatThrownBy(() -> Lsn.parse("0/XYZ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Lsn.parse("1FFFFFFFF/0")).hasMessageContaining("exceeds 32 bits");
  }
}
