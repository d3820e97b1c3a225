package io.crowsnest.outputs.ecs;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Maps one EVE alert record (the JSON object {@code EveJsonFormat} writes) to an Elastic Common
 * Schema document, through Jackson's streaming parser and generator (no object mapping).
 *
 * <p>Fields: {@code @timestamp} (the EVE timestamp with its offset written {@code +hh:mm}),
 * {@code event.kind:"alert"}, {@code event.category:["network","intrusion_detection"]},
 * {@code event.type} ({@code ["denied"]} for a blocked alert, else {@code ["allowed"]}),
 * {@code event.action}, {@code event.severity}, {@code event.module:"crowsnest"},
 * {@code event.dataset:"crowsnest.alert"}, {@code source.ip/port}, {@code destination.ip/port},
 * {@code network.transport} (lower-case EVE proto), {@code network.type} (ipv4/ipv6),
 * {@code rule.id} (signature id as a string), {@code rule.name}, {@code rule.category},
 * {@code rule.version}, {@code observer.vendor/product:"Crowsnest"}, {@code observer.type:"ids"},
 * and the original EVE object, unchanged, under {@code crowsnest}. Not thread-safe.
 */
public final class EcsMapper {
    private final JsonFactory factory = JsonFactory.builder().build();

    /** The fields of an EVE alert the ECS document and the HTTP outputs need. */
    public static final class Eve {
        public String timestamp;
        public String srcIp;
        public String destIp;
        public long srcPort = -1;
        public long destPort = -1;
        public String proto;
        public String action;
        public long signatureId = -1;
        public long rev = -1;
        public String signature;
        public String category;
        public long severity = -1;

        /** yyyy.MM.dd of the timestamp (the local date in the record's own offset), or null. */
        public String day() {
            if (timestamp == null || timestamp.length() < 10) {
                return null;
            }
            return timestamp.substring(0, 4) + "." + timestamp.substring(5, 7) + "." + timestamp.substring(8, 10);
        }
    }

    /** Extracts the fields of {@code data[off, off+len)} (one EVE JSON object). */
    public Eve parse(byte[] data, int off, int len) throws IOException {
        Eve e = new Eve();
        try (JsonParser p = factory.createParser(data, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("EVE record is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "timestamp": e.timestamp = text(p, t); break;
                    case "src_ip": e.srcIp = text(p, t); break;
                    case "dest_ip": e.destIp = text(p, t); break;
                    case "src_port": e.srcPort = number(p, t); break;
                    case "dest_port": e.destPort = number(p, t); break;
                    case "proto": e.proto = text(p, t); break;
                    case "alert":
                        if (t == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String n = p.currentName();
                                JsonToken v = p.nextToken();
                                switch (n) {
                                    case "action": e.action = text(p, v); break;
                                    case "signature_id": e.signatureId = number(p, v); break;
                                    case "rev": e.rev = number(p, v); break;
                                    case "signature": e.signature = text(p, v); break;
                                    case "category": e.category = text(p, v); break;
                                    case "severity": e.severity = number(p, v); break;
                                    default: p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
        }
        return e;
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static long number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        p.skipChildren();
        return -1;
    }

    /** EVE {@code 2021-12-13T10:12:32.617443+0000} to ISO 8601 {@code 2021-12-13T10:12:32.617443+00:00}. */
    public static String isoTimestamp(String eve) {
        if (eve == null) {
            return null;
        }
        int n = eve.length();
        if (n >= 5 && (eve.charAt(n - 5) == '+' || eve.charAt(n - 5) == '-')
                && Character.isDigit(eve.charAt(n - 1)) && Character.isDigit(eve.charAt(n - 4))) {
            return eve.substring(0, n - 2) + ":" + eve.substring(n - 2);
        }
        return eve;
    }

    /**
     * Writes the ECS document of the EVE record {@code data[off, off+len)} to {@code out} (no
     * trailing newline). Returns the parsed fields.
     */
    public Eve write(byte[] data, int off, int len, OutputStream out) throws IOException {
        Eve e = parse(data, off, len);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            if (e.timestamp != null) {
                g.writeStringField("@timestamp", isoTimestamp(e.timestamp));
            }
            g.writeObjectFieldStart("event");
            g.writeStringField("kind", "alert");
            g.writeArrayFieldStart("category");
            g.writeString("network");
            g.writeString("intrusion_detection");
            g.writeEndArray();
            g.writeArrayFieldStart("type");
            g.writeString("blocked".equals(e.action) || "drop".equals(e.action) ? "denied" : "allowed");
            g.writeEndArray();
            if (e.action != null) {
                g.writeStringField("action", e.action);
            }
            if (e.severity >= 0) {
                g.writeNumberField("severity", e.severity);
            }
            g.writeStringField("module", "crowsnest");
            g.writeStringField("dataset", "crowsnest.alert");
            g.writeEndObject();
            endpoint(g, "source", e.srcIp, e.srcPort);
            endpoint(g, "destination", e.destIp, e.destPort);
            if (e.proto != null || e.srcIp != null) {
                g.writeObjectFieldStart("network");
                if (e.proto != null) {
                    g.writeStringField("transport", e.proto.toLowerCase(java.util.Locale.ROOT));
                }
                if (e.srcIp != null) {
                    g.writeStringField("type", e.srcIp.indexOf(':') >= 0 ? "ipv6" : "ipv4");
                }
                g.writeEndObject();
            }
            g.writeObjectFieldStart("rule");
            if (e.signatureId >= 0) {
                g.writeStringField("id", Long.toString(e.signatureId));
            }
            if (e.signature != null) {
                g.writeStringField("name", e.signature);
            }
            if (e.category != null) {
                g.writeStringField("category", e.category);
            }
            if (e.rev >= 0) {
                g.writeStringField("version", Long.toString(e.rev));
            }
            g.writeEndObject();
            g.writeObjectFieldStart("observer");
            g.writeStringField("vendor", "Crowsnest");
            g.writeStringField("product", "Crowsnest");
            g.writeStringField("type", "ids");
            g.writeEndObject();
            g.writeFieldName("crowsnest");
            g.writeRawValue(new String(data, off, len, StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        return e;
    }

    private static void endpoint(JsonGenerator g, String name, String ip, long port) throws IOException {
        if (ip == null && port < 0) {
            return;
        }
        g.writeObjectFieldStart(name);
        if (ip != null) {
            g.writeStringField("ip", ip);
        }
        if (port >= 0) {
            g.writeNumberField("port", port);
        }
        g.writeEndObject();
    }
}
