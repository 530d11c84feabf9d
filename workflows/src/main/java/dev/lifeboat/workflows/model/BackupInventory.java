package dev.lifeboat.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * Every sealed backup copy of a cluster, and the destinations that could not be asked.
 *
 * @param destinations the configured destinations, in order
 * @param backups one entry per backup copy, by backup id then destination order
 * @param unreachable destination name to the reason it could not be listed
 */
public record BackupInventory(
    List<String> destinations, List<BackupSummary> backups, Map<String, String> unreachable) {

  public BackupInventory {
    destinations = List.copyOf(destinations);
    backups = List.copyOf(backups);
    unreachable = Map.copyOf(unreachable);
  }
}
