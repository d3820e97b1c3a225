package io.crowsnest.detection.keywords;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crowsnest.decoders.Packet;
import io.crowsnest.detection.TestSupport;
import io.crowsnest.detection.workload.WorkloadFacts;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkloadKeywordTest {
    /** 10.0.0.1 is shop (prod, Deployment/shop, app=shop) until t = 100 s, 10.0.0.2 is redis in prod; the rest unknown. */
    @BeforeEach
    void install() {
        WorkloadFacts.install((hi, lo, t) -> {
            int v4 = (int) lo;
            if (v4 == 0x0A000001 && t < 100_000_000_000L) {
                return facts(Map.of("kind", "pod", "namespace", "prod", "pod", "shop-7f9c-abcde", "owner", "Deployment/shop",
                        "image", "registry.local/shop:1.4"), Map.of("app", "shop"));
            }
            if (v4 == 0x0A000002) {
                return facts(Map.of("kind", "pod", "namespace", "prod", "pod", "redis-0", "owner", "StatefulSet/redis"),
                        Map.of("app", "redis", "tier", "data"));
            }
            return null;
        });
    }

    @AfterEach
    void uninstall() {
        WorkloadFacts.install(null);
    }

    static WorkloadFacts.Facts facts(Map<String, String> fields, Map<String, String> labels) {
        return new WorkloadFacts.Facts() {
            public String field(String name) {
                return fields.get(name);
            }

            public String label(String key) {
                return labels.get(key);
            }
        };
    }

    static Packet at(long seconds) {
        Packet p = MoreKeywordsTest.bytes((byte) 1);
        p.tsSeconds = seconds;
        return p;
    }

    @Test
    void matchesFieldsLabelsGlobsAndSides() {
        Packet p = at(10); // 10.0.0.1 -> 10.0.0.2
        assertTrue(MoreKeywordsTest.fires("workload:src namespace prod;", p));
        assertTrue(MoreKeywordsTest.fires("workload:dst label app=redis; workload:src owner Deployment/*;", p));
        assertFalse(MoreKeywordsTest.fires("workload:dst label app=shop;", p));
        assertTrue(MoreKeywordsTest.fires("workload:either label app=shop;", p));
        assertTrue(MoreKeywordsTest.fires("workload:src image registry.local/shop:*;", p));
        assertFalse(MoreKeywordsTest.fires("workload:src namespace !prod;", p));
        assertTrue(MoreKeywordsTest.fires("workload:dst pod !shop-*;", p));
    }

    @Test
    void identityIsAsOfThePacketTimeAndUnknownOnlySatisfiesNegations() {
        Packet later = at(200); // 10.0.0.1 is nobody at t = 200 s
        assertFalse(MoreKeywordsTest.fires("workload:src namespace prod;", later));
        assertTrue(MoreKeywordsTest.fires("workload:src namespace !prod;", later));
        WorkloadFacts.install(null);
        assertFalse(MoreKeywordsTest.fires("workload:dst kind pod;", at(10)));
    }

    @Test
    void badOptionsAreRefusedWithTheReason() {
        assertTrue(MoreKeywordsTest.error("workload:src namespace;").contains("expected '<src|dst|either> <field>"));
        assertTrue(MoreKeywordsTest.error("workload:both namespace prod;").contains("side must be src, dst or either"));
        assertTrue(MoreKeywordsTest.error("workload:src nmspace prod;").contains("unknown field 'nmspace'"));
        assertTrue(MoreKeywordsTest.error("workload:src label app;").contains("label needs KEY=VALUE"));
    }

    @Test
    void globs() {
        assertTrue(WorkloadKeyword.glob("a*c", "abbbc"));
        assertTrue(WorkloadKeyword.glob("*", ""));
        assertTrue(WorkloadKeyword.glob("Deployment/*", "Deployment/shop"));
        assertFalse(WorkloadKeyword.glob("a*c", "abcd"));
        assertFalse(WorkloadKeyword.glob("abc", "ab"));
    }
}
