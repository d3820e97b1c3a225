package io.crowsnest.behaviour.profile;

import static io.crowsnest.behaviour.TestRecords.http;
import static io.crowsnest.behaviour.TestRecords.redis;
import static io.crowsnest.behaviour.TestRecords.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.behaviour.BehaviourConfig;
import io.crowsnest.behaviour.BehaviourContext;
import io.crowsnest.behaviour.BehaviourEngine;
import io.crowsnest.behaviour.TxRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {
    static final String WEB = "10.244.1.10", REDIS = "10.244.1.11", CLIENT = "10.244.1.20", API = "10.244.1.13";

    static Profile learn(BehaviourConfig c, int n) {
        ProfileLearner l = new ProfileLearner(new BehaviourContext(null, c, null));
        l.learnedFrom("test");
        BehaviourEngine e = new BehaviourEngine(List.of(l), a -> { });
        for (int i = 0; i < n; i++) {
            double t = i * 5;
            e.flow(tcp(t, CLIENT, WEB, 8080, true, true));
            e.flow(tcp(t + 0.01, WEB, REDIS, 6379, true, true));
            e.tx(redis(t + 0.02, WEB, REDIS, "GET item:" + i));
            e.tx(http(t, t + 0.05, CLIENT, WEB, "GET", "/items/" + i, 200));
            TxRecord q = new TxRecord();
            q.proto = "dns";
            q.client = CLIENT;
            q.server = "10.244.1.12";
            q.dnsName = "Web.svc.lab";
            q.startNanos = q.endNanos = tcp(t, CLIENT, WEB, 53, true, true).startNanos;
            e.tx(q);
        }
        e.finish();
        return l.profile();
    }

    @Test
    void learnsEdgesServicesNamesPeriodicEdgesAndEndpointFanout() {
        Profile p = learn(null, 20);
        WorkloadProfile web = p.workload(WEB);
        assertEquals(Set.of("tcp/8080"), web.serves);
        assertEquals(Set.of(REDIS + " tcp/6379"), web.talksTo);
        assertEquals(Set.of(CLIENT + " tcp/8080"), web.heardFrom);
        assertEquals(Set.of("web.svc.lab"), p.workload(CLIENT).dnsNames);
        // a flow every 5 s on the dot: both edges are periodic
        assertEquals(Set.of(REDIS + " tcp/6379"), web.periodic);
        EndpointProfile ep = web.endpoints.get("GET /items/{n}");
        assertEquals(20, ep.requests);
        assertEquals(1.0, ep.fanout.p99);
        assertEquals(Set.of(REDIS + " tcp/6379 redis"), ep.backends);
        assertEquals(95.06, p.seconds); // first flow start to last flow end
    }

    @Test
    void yamlRoundTripsAndIsDiffable(@TempDir Path dir) throws IOException {
        Profile p = learn(null, 20);
        Path f = dir.resolve("p.yaml");
        p.write(f);
        String yaml = Files.readString(f);
        assertTrue(yaml.contains("talks_to:"), yaml);
        assertTrue(yaml.contains("GET /items/{n}"), yaml);
        Profile back = Profile.read(f);
        assertEquals(List.of(), ProfileDiff.diff(p, back));
        back.workload(WEB).talksTo.add(API + " tcp/2222");
        back.workload(WEB).endpoints.get("GET /items/{n}").fanoutLimit = 50.0;
        back.workloads.remove(CLIENT);
        assertEquals(List.of(
                "+ " + WEB + " talks_to: " + API + " tcp/2222",
                "~ " + WEB + " endpoint GET /items/{n} fanout_limit: null -> 50.0",
                "- workload " + CLIENT,
                "- " + CLIENT + " talks_to: " + WEB + " tcp/8080",
                "- " + CLIENT + " app_protos: http",
                "- " + CLIENT + " dns_names: web.svc.lab",
                "- " + CLIENT + " periodic: " + WEB + " tcp/8080"), ProfileDiff.diff(p, back));
    }

    @Test
    void aBadProfileNamesFileLineAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "version: 1\nworkloads:\n  web:\n    talks_too: [x]\n");
        IOException e = assertThrows(IOException.class, () -> Profile.read(f));
        assertTrue(e.getMessage().startsWith(f + ":4:"), e.getMessage());
        assertTrue(e.getMessage().contains("talks_too"), e.getMessage());
    }

    @Test
    void capsAreCountedNotSilentlyDropped() {
        BehaviourConfig c = BehaviourConfig.defaults().set("profile.max_workloads", 2);
        Profile p = learn(c, 5);
        assertTrue(p.workloads.size() <= 2);
        assertTrue(p.truncated.get("workloads") > 0, p.truncated.toString());
    }
}
