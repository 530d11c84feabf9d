package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * The verification of one backup's copy in one destination.
 *
 * @param destination the destination
 * @param backupId the backup
 * @param intact whether every object is there and decodes to what the manifest records
 * @param objectsChecked objects read end to end
 * @param storedBytes stored bytes read
 * @param problems one sentence each, all of them
 */
public record VerificationSummary(
    String destination,
    String backupId,
    boolean intact,
    int objectsChecked,
    long storedBytes,
    List<String> problems) {

  public VerificationSummary {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }
}
