package io.crowsnest.behaviour.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourAlert;
import io.crowsnest.behaviour.TestRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    static BehaviourAlert alert(String detector, double t, String src, String dst) {
        return BehaviourAlert.of(detector, 1, "x").at(TestRecords.at(t)).src(src, 0).dst(dst, 0).build();
    }

    static Labels labels(Path dir, String json) throws IOException {
        Path f = dir.resolve("l.json");
        Files.writeString(f, json);
        return Labels.read(f);
    }

    @Test
    void scoresTruePositivesMissesOtherAttacksAndFalseAlerts(@TempDir Path dir) throws IOException {
        double s = TestRecords.T0 / 1e9;
        Labels l = labels(dir, "{\"capture\":\"x.pcap\",\"attacks\":["
                + "{\"kind\":\"scan\",\"name\":\"v\",\"src\":[\"10.0.0.5\"],\"dst\":[\"10.0.0.10\"],\"start\":" + (s + 10) + ",\"end\":" + (s + 20) + "},"
                + "{\"kind\":\"scan\",\"name\":\"h\",\"src\":[\"10.0.0.5\"],\"dst\":[\"10.0.0.11\"],\"start\":" + (s + 100) + ",\"end\":" + (s + 110) + "},"
                + "{\"kind\":\"beacon\",\"src\":[\"10.0.0.7\"],\"dst\":[\"10.0.0.5\"],\"start\":" + (s + 200) + ",\"end\":" + (s + 300) + "}]}");
        Evaluation ev = new Evaluation(List.of("scan", "beacon", "lateral"));
        ev.score("x.pcap", l, List.of(
                alert("scan", 15, "10.0.0.5", "10.0.0.10"),     // on target
                alert("scan", 16, "10.0.0.5", "10.0.0.10"),     // on target again
                alert("lateral", 250, "10.0.0.7", "10.0.0.5"),  // real, but a beacon's interval
                alert("scan", 900, "10.0.0.9", "10.0.0.10")));  // nothing labelled: false positive
        Evaluation.Score scan = ev.scores().get("scan");
        assertEquals(2, scan.labels);
        assertEquals(1, scan.truePositives);
        assertEquals(1, scan.falseNegatives);
        assertEquals(0.5, scan.recall());
        assertEquals(3, scan.alerts);
        assertEquals(2, scan.onTarget);
        assertEquals(1, scan.falsePositives);
        assertEquals(0.667, scan.precision());
        assertTrue(scan.missed.get(0).contains("scan/h"));
        Evaluation.Score beacon = ev.scores().get("beacon");
        assertEquals(0.0, beacon.recall());
        assertNull(beacon.precision());
        Evaluation.Score lateral = ev.scores().get("lateral");
        assertEquals(1, lateral.onOther);
        assertEquals(0, lateral.falsePositives);
        assertNull(lateral.recall());
        assertTrue(ev.table().contains("scan"));
    }

    @Test
    void alertsOutsideTheIntervalOrOnOtherAddressesDoNotCount(@TempDir Path dir) throws IOException {
        double s = TestRecords.T0 / 1e9;
        Labels l = labels(dir, "{\"attacks\":[{\"kind\":\"scan\",\"src\":[\"10.0.0.5\"],\"dst\":[],\"start\":" + (s + 100) + ",\"end\":" + (s + 110) + "}]}");
        Evaluation ev = new Evaluation(List.of("scan"));
        ev.score("x", l, List.of(alert("scan", 90, "10.0.0.5", "10.0.0.1"), alert("scan", 200, "10.0.0.5", "10.0.0.1"),
                alert("scan", 105, "10.0.0.6", "10.0.0.1")));
        assertEquals(0, ev.scores().get("scan").truePositives);
        assertEquals(3, ev.scores().get("scan").falsePositives);
    }

    @Test
    void badLabelsFilesAreRefusedWithTheirLocation(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> labels(dir, "{\"attacks\":[{\"kind\":\"scan\",\"begin\":1}]}"));
        assertTrue(e.getMessage().contains("l.json:1:"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> labels(dir, "{\"attacks\":[{\"kind\":\"scan\",\"start\":5,\"end\":1}]}"));
        assertTrue(e2.getMessage().contains("ends before it starts"), e2.getMessage());
    }
}
