package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What retention found, or removed, in one destination's WAL archive.
 *
 * @param destination the destination
 * @param keepFromLsn WAL from the segment holding this LSN on is kept (the oldest kept backup's
 *     stop)
 * @param segmentsExpired segments before it
 * @param bytesExpired their stored bytes
 * @param keysShredded WAL data keys no remaining segment uses
 */
public record WalPruneSummary(
    String destination,
    String keepFromLsn,
    int segmentsExpired,
    long bytesExpired,
    List<String> keysShredded) {

  public WalPruneSummary {
    keysShredded = keysShredded == null ? List.of() : List.copyOf(keysShredded);
  }
}
