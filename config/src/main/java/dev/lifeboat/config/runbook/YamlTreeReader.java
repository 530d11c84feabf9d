package dev.lifeboat.config.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into {@link YamlNode}s with Jackson's streaming parser, whose token locations
 * give each value's line and column. Duplicate keys are reported rather than silently overwritten.
 */
final class YamlTreeReader {

  private final Problems problems;

  YamlTreeReader(Problems problems) {
    this.problems = problems;
  }

  /** Returns the document's root, or null (with a problem recorded) when it is not valid YAML. */
  YamlNode read(String text) {
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        problems.add(1, 1, "the file is empty; a runbook needs at least 'name' and 'steps'");
        return null;
      }
      return node(parser);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(
          at == null ? 1 : at.getLineNr(),
          at == null ? 1 : at.getColumnNr(),
          "is not valid YAML: " + e.getOriginalMessage());
      return null;
    } catch (IOException e) {
      problems.add(1, 1, "cannot be read: " + e.getMessage());
      return null;
    }
  }

  private YamlNode node(JsonParser parser) throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, int[]> keys = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          JsonLocation keyAt = parser.currentTokenLocation();
          parser.nextToken();
          YamlNode value = node(parser);
          if (entries.containsKey(key)) {
            problems.add(
                keyAt.getLineNr(),
                keyAt.getColumnNr(),
                "duplicate key '"
                    + key
                    + "' (first at line "
                    + keys.get(key)[0]
                    + "); a key may appear once");
          } else {
            entries.put(key, value);
            keys.put(key, new int[] {keyAt.getLineNr(), keyAt.getColumnNr()});
          }
        }
        return new YamlNode.MapNode(line, column, entries, keys);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(parser));
        }
        return new YamlNode.ListNode(line, column, items);
      }
      case VALUE_NULL -> {
        return new YamlNode.Scalar(line, column, null, "null");
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new YamlNode.Scalar(line, column, parser.getText(), "bool");
      }
      case VALUE_NUMBER_INT -> {
        return new YamlNode.Scalar(line, column, parser.getText(), "int");
      }
      case VALUE_NUMBER_FLOAT -> {
        return new YamlNode.Scalar(line, column, parser.getText(), "float");
      }
      default -> {
        return new YamlNode.Scalar(line, column, parser.getText(), "string");
      }
    }
  }
}
