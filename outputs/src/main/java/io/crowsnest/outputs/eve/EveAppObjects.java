package io.crowsnest.outputs.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Writes the app-layer objects (snapshots of maps, lists, strings, numbers, booleans) of EVE records. */
public final class EveAppObjects {
    private EveAppObjects() {}

    public static void writeValue(JsonGenerator gen, Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                writeValue(gen, e.getValue());
            }
            gen.writeEndObject();
        } else if (v instanceof List<?> l) {
            gen.writeStartArray();
            for (Object o : l) {
                writeValue(gen, o);
            }
            gen.writeEndArray();
        } else if (v instanceof Integer i) {
            gen.writeNumber(i);
        } else if (v instanceof Long l) {
            gen.writeNumber(l);
        } else if (v instanceof Double d) {
            gen.writeNumber(d);
        } else if (v instanceof Float f) {
            gen.writeNumber(f);
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else {
            gen.writeString(v.toString());
        }
    }

    /** {@code "app_proto": …} and {@code "<proto>": {…}} of an alert or event. */
    public static void writeApp(JsonGenerator gen, String appProto, Map<String, Object> app) throws IOException {
        if (appProto == null) {
            return;
        }
        gen.writeStringField("app_proto", appProto);
        if (app != null) {
            gen.writeFieldName(appProto);
            writeValue(gen, app);
        }
    }
}
