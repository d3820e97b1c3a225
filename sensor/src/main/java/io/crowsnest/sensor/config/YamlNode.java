package io.crowsnest.sensor.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with where it stood in the file (1-based line and column), read with Jackson's
 * streaming YAML parser so every error can name its position. A scalar keeps its text as
 * written; {@code quoted} is not tracked (YAML types are decided by the schema, not the parser).
 */
final class YamlNode {
    enum Kind { MAP, LIST, SCALAR, NULL }

    final Kind kind;
    final int line;
    final int column;
    final String text;
    /** MAP: key → value, in file order. */
    final Map<String, YamlNode> map;
    /** MAP: key → where the key stood. */
    final Map<String, int[]> keyPos;
    final List<YamlNode> list;

    private YamlNode(Kind kind, JsonLocation at, String text) {
        this.kind = kind;
        this.line = at.getLineNr();
        this.column = at.getColumnNr();
        this.text = text;
        this.map = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.keyPos = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.list = kind == Kind.LIST ? new ArrayList<>() : null;
    }

    /** Reads the value at the parser's current token (which must be set). */
    static YamlNode read(JsonParser p, String file, List<ConfigError> errors) throws IOException {
        JsonToken t = p.currentToken();
        JsonLocation at = p.currentTokenLocation();
        switch (t) {
            case START_OBJECT: {
                YamlNode n = new YamlNode(Kind.MAP, at, null);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kat = p.currentTokenLocation();
                    p.nextToken();
                    YamlNode v = read(p, file, errors);
                    if (n.map.containsKey(key)) {
                        errors.add(new ConfigError(file, kat.getLineNr(), kat.getColumnNr(), "duplicate key '" + key + "'"));
                        continue;
                    }
                    n.map.put(key, v);
                    n.keyPos.put(key, new int[] {kat.getLineNr(), kat.getColumnNr()});
                }
                return n;
            }
            case START_ARRAY: {
                YamlNode n = new YamlNode(Kind.LIST, at, null);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    n.list.add(read(p, file, errors));
                }
                return n;
            }
            case VALUE_NULL:
                return new YamlNode(Kind.NULL, at, null);
            default:
                return new YamlNode(Kind.SCALAR, at, p.getText());
        }
    }

    String describe() {
        switch (kind) {
            case MAP: return "a mapping";
            case LIST: return "a list";
            case NULL: return "an empty value";
            default: return "'" + text + "'";
        }
    }
}
