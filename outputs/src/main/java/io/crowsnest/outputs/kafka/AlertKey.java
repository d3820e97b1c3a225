package io.crowsnest.outputs.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka record key of an alert: its {@code flow_id} (decimal, as in the EVE record).
 *
 * <p>Why the flow: Kafka keeps order per partition and the default partitioner hashes the key,
 * so every alert of one flow lands in one partition in the order the sensor raised it (a
 * consumer sees a flow's story in sequence), while the many flows of a busy network spread
 * evenly over the partitions. {@code src_ip} would also keep related alerts together, but one
 * noisy source (a scanner raising thousands of alerts) would pile onto a single partition.
 * A record without a top-level {@code flow_id} gets no key (the producer spreads those).
 */
final class AlertKey {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private AlertKey() {}

    /** The key for the EVE JSON record {@code b[off, off+len)}, or null. */
    static byte[] of(byte[] b, int off, int len) {
        try (JsonParser p = JSON.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("flow_id".equals(name)) {
                    return v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING
                            ? p.getText().getBytes(StandardCharsets.US_ASCII) : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // not JSON (a custom format): unkeyed
        }
    }
}
