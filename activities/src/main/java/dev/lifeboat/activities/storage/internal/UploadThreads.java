package dev.lifeboat.activities.storage.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates the threads a store uploads parts on; each store owns its pool and ends it on close. */
public final class UploadThreads {

  private UploadThreads() {}

  /**
   * Returns a pool that grows with the parts in flight and lets idle threads go. The threads are
   * daemons, so a store that was never closed does not keep the worker's JVM alive.
   *
   * @param name the thread name's stem, for example {@code lifeboat-s3-upload}
   */
  public static ExecutorService newPool(String name) {
    return Executors.newCachedThreadPool(daemonThreads(name));
  }

  /** Returns a factory of daemon threads named {@code <name>-1}, {@code <name>-2}, ... */
  public static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
