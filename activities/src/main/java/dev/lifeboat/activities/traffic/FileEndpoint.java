package dev.lifeboat.activities.traffic;

import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file that names the primary, for scripts and service discovery that watch a file: one line
 * {@code host:port node region}, replaced atomically.
 */
final class FileEndpoint {

  FenceReport redirect(TrafficEndpoint endpoint, NodeSpec target) throws IOException {
    Path file = Path.of(endpoint.configFile());
    String line =
        target.host() + ":" + target.port() + " " + target.name() + " " + target.region() + "\n";
    if (Files.exists(file) && Files.readString(file).equals(line)) {
      return new FenceReport(
          "file " + endpoint.name(), true, file + " already names " + target.name());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".lifeboat-tmp");
    Files.writeString(temp, line, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new FenceReport("file " + endpoint.name(), true, file + " names " + target.name());
  }

  String currentTarget(TrafficEndpoint endpoint) throws IOException {
    Path file = Path.of(endpoint.configFile());
    if (!Files.exists(file)) {
      return null;
    }
    String content = Files.readString(file).strip();
    return content.isEmpty() ? null : content.split(" ")[0];
  }
}
