package io.crowsnest.outputs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.crowsnest.outputs.ecs.EcsMapper;
import io.crowsnest.outputs.format.EveJsonFormat;
import io.crowsnest.outputs.format.TestAlerts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EcsMapperTest {
    static String ecs(io.crowsnest.detection.alert.Alert a) throws Exception {
        ByteArrayOutputStream eve = new ByteArrayOutputStream();
        new EveJsonFormat().format(a, eve);
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        new EcsMapper().write(eve.toByteArray(), 0, eve.size(), doc);
        String s = doc.toString(StandardCharsets.UTF_8);
        try (JsonParser p = new JsonFactory().createParser(s)) { // well-formed, one object
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            p.skipChildren();
            assertEquals(null, p.nextToken());
        }
        return s;
    }

    @Test
    void hostileTextStaysValidJson() throws Exception {
        String s = ecs(TestAlerts.hostile());
        assertTrue(s.contains("\"name\":\"ET \\\"evil\\\" | a=b \\\\ c]\\nnext\\rline^x\\ty ünï 日本\""), s);
        assertTrue(s.contains("\"category\":\"Bad=cat|x\\\\y\\nz\""), s);
        assertTrue(s.contains("\"severity\":1"), s);
    }

    @Test
    void ipv6IcmpWithoutPorts() throws Exception {
        String s = ecs(TestAlerts.plain());
        assertTrue(s.contains("\"source\":{\"ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\"}"), s);
        assertTrue(s.contains("\"destination\":{\"ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\"}"), s);
        assertTrue(s.contains("\"network\":{\"transport\":\"ipv6-icmp\",\"type\":\"ipv6\"}"), s);
        assertTrue(s.contains("\"@timestamp\":\"2022-01-01T01:20:00.000005+00:00\""), s);
    }

    @Test
    void retryAfterSecondsAndDate() {
        assertEquals(3000, HttpSender.retryAfterMillis(" 3 "));
        assertEquals(-1, HttpSender.retryAfterMillis(null));
        assertEquals(-1, HttpSender.retryAfterMillis("soon"));
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        long ms = HttpSender.retryAfterMillis(inAMinute);
        assertTrue(ms > 55_000 && ms <= 60_000, Long.toString(ms));
        assertEquals(0, HttpSender.retryAfterMillis("Thu, 01 Jan 1970 00:00:00 GMT"));
    }

    @Test
    void retryableStatuses() {
        for (int s : new int[] {408, 429, 500, 502, 503, 504, 401, 403, 404}) {
            assertTrue(HttpSender.retryable(s), Integer.toString(s));
        }
        for (int s : new int[] {400, 413, 415, 422}) {
            assertTrue(!HttpSender.retryable(s), Integer.toString(s));
        }
    }
}
