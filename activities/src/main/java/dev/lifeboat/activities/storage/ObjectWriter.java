package dev.lifeboat.activities.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The output side of one object being written to a {@link BackupStore}. Write the bytes, then
 * {@link #commit()} to make the object visible; {@link #close()} without a commit (for example when
 * an exception leaves a try-with-resources block) aborts and leaves nothing behind.
 */
public abstract class ObjectWriter extends OutputStream {

  private boolean finished;

  /**
   * Makes the object visible under its key, atomically, and returns what was stored.
   *
   * @throws IOException when the object could not be stored; nothing is then visible
   */
  public final ObjectInfo commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("object already committed or aborted");
    }
    finished = true;
    try {
      return doCommit();
    } catch (IOException | RuntimeException e) {
      doAbort();
      throw e;
    }
  }

  /** Discards everything written; nothing becomes visible. Safe to call more than once. */
  public final void abort() {
    if (!finished) {
      finished = true;
      doAbort();
    }
  }

  /** Aborts unless {@link #commit()} was called. */
  @Override
  public final void close() {
    abort();
  }

  /** Completes the upload or rename; called once. */
  protected abstract ObjectInfo doCommit() throws IOException;

  /** Discards the partial upload; called at most once, must not throw. */
  protected abstract void doAbort();
}
