package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code sql}: one statement on a named node, read-only unless the step says {@code write: true}.
 * Values are bound as {@code ?} parameters; table and role names go through {@code identifiers} and
 * must be plain lower-case identifiers, so no value can change the statement's shape.
 */
final class SqlStep implements StepAction {

  /** What an identifier may be: a plain lower-case name, optionally schema-qualified. */
  static final Pattern IDENTIFIER =
      Pattern.compile("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");

  private final SqlTargets targets;

  SqlStep(SqlTargets targets) {
    this.targets = targets;
  }

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    String query;
    try {
      query = statement(args);
    } catch (InvalidStepException e) {
      return StepResult.of("would fail: " + e.getMessage());
    }
    return StepResult.of(
        "would run on "
            + args.optionalText("target", "primary")
            + " of cluster "
            + step.cluster()
            + (args.flag("write") ? " (read-write)" : " (read-only)")
            + ": "
            + query
            + (args.list("params").isEmpty() ? "" : " with " + args.list("params")));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    String query = statement(args);
    boolean write = args.flag("write");
    NodeSpec node = targets.resolve(step.cluster(), args.optionalText("target", "primary"));
    try (Connection connection = targets.open(node, step.cluster(), step.timeoutSeconds())) {
      if (!write) {
        // In a read-only transaction PostgreSQL itself refuses any change.
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
      }
      String output = run(connection, query, args.list("params"));
      if (!write) {
        connection.commit();
      }
      return StepResult.of(output);
    }
  }

  /** The statement with every {@code {name}} replaced by its checked identifier. */
  static String statement(StepArgs args) throws InvalidStepException {
    String query = args.text("query");
    for (Map.Entry<String, String> identifier : args.map("identifiers").entrySet()) {
      if (!IDENTIFIER.matcher(identifier.getValue()).matches()) {
        throw new InvalidStepException(
            "identifier "
                + identifier.getKey()
                + " = '"
                + identifier.getValue()
                + "' is not a plain lower-case name such as public.orders");
      }
      query = query.replace("{" + identifier.getKey() + "}", identifier.getValue());
    }
    return query;
  }

  static String run(Connection connection, String query, List<String> params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      for (int i = 0; i < params.size(); i++) {
        statement.setString(i + 1, params.get(i));
      }
      if (!statement.execute()) {
        return statement.getUpdateCount() + " rows affected";
      }
      try (ResultSet rows = statement.getResultSet()) {
        return render(rows);
      }
    }
  }

  /** Rows as {@code column=value} pairs, one row a line, so {@code expect} can match them. */
  static String render(ResultSet rows) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    StringBuilder out = new StringBuilder();
    int count = 0;
    while (rows.next()) {
      for (int c = 1; c <= meta.getColumnCount(); c++) {
        out.append(c > 1 ? ", " : "")
            .append(meta.getColumnLabel(c))
            .append('=')
            .append(rows.getString(c));
      }
      out.append('\n');
      count++;
    }
    return out.append(count).append(count == 1 ? " row" : " rows").toString();
  }
}
