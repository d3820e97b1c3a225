package io.crowsnest.sensor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crowsnest.sensor.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every capture recorded in the namespace lab raises exactly the alerts its expected.json lists (no root needed). */
class LabCapturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"benign", "dns-tunnel", "docker-api", "log4shell", "port-scan", "redis-bruteforce", "reverse-shell"})
    void labCaptureRaisesItsExpectedAlerts(String scenario, @TempDir Path out) throws IOException {
        Path lab = SharedData.projectRoot().resolve("pcaps/lab");
        JsonNode expected = JSON.readTree(lab.resolve(scenario + ".expected.json").toFile());
        Map<Long, Long> want = new TreeMap<>();
        for (JsonNode a : expected.path("alerts")) {
            want.put(a.path("sid").asLong(), a.path("count").asLong());
        }
        Map<Long, Long> got = ShippedRulesTest.bySid(ShippedRulesTest.replay(lab.resolve(expected.path("pcap").asText()), out));
        assertEquals(want, got, scenario);
    }
}
