package dev.lifeboat.config;

/**
 * How to reach the Temporal server.
 *
 * @param address gRPC host:port, {@code 127.0.0.1:7233} by default; {@code TEMPORAL_ADDRESS} wins
 * @param namespace the namespace, {@code default} by default; {@code TEMPORAL_NAMESPACE} wins
 * @param uiUrl base URL of the Web UI, used to print links to runs
 */
public record TemporalSettings(String address, String namespace, String uiUrl) {

  /** Returns the Web UI address of one workflow run. */
  public String runUrl(String workflowId, String runId) {
    return uiUrl + "/namespaces/" + namespace + "/workflows/" + workflowId + "/" + runId;
  }
}
