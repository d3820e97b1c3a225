package io.crowsnest.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.format.TestAlerts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AlertKeyTest {
    private static byte[] key(String json) {
        byte[] b = ("xx" + json).getBytes(StandardCharsets.UTF_8);
        return AlertKey.of(b, 2, b.length - 2);
    }

    @Test
    void theKeyIsTheTopLevelFlowId() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var a = TestAlerts.seq(1);
        a.flowId = 1234567890123L;
        new EveJsonFormat().format(a, out);
        byte[] eve = out.toByteArray();
        assertArrayEquals("1234567890123".getBytes(StandardCharsets.US_ASCII), AlertKey.of(eve, 0, eve.length));
        assertArrayEquals("42".getBytes(StandardCharsets.US_ASCII),
                key("{\"x\":{\"flow_id\":1},\"arr\":[{\"flow_id\":2}],\"flow_id\":42}"));
    }

    @Test
    void noFlowIdOrNotJsonMeansNoKey() {
        assertNull(key("{\"src_ip\":\"10.0.0.1\"}"));
        assertNull(key("<13>1 2024-01-01T00:00:00Z host crowsnest - - - text"));
        assertNull(key("{\"flow_id\":null}"));
    }
}
