package io.crowsnest.behaviour.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changed between two profiles, one line per fact: "+ web talks_to: redis tcp/6379" (only in B),
 * "- …" (only in A), "~ web endpoint GET /search?q fanout.p99: 3.0 -> 200.0" (changed). Rates and
 * counts that always drift a little (requests seen, per-minute means) are left out: the diff shows
 * what a reviewer must decide on.
 */
public final class ProfileDiff {
    private ProfileDiff() {
    }

    public static List<String> diff(Profile a, Profile b) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new TreeSet<>(a.workloads.keySet());
        keys.addAll(b.workloads.keySet());
        for (String k : keys) {
            WorkloadProfile x = a.workloads.get(k), y = b.workloads.get(k);
            if (x == null) {
                out.add("+ workload " + k);
                x = new WorkloadProfile();
            } else if (y == null) {
                out.add("- workload " + k);
                y = new WorkloadProfile();
            }
            sets(out, k, "serves", x.serves, y.serves);
            sets(out, k, "talks_to", x.talksTo, y.talksTo);
            sets(out, k, "heard_from", x.heardFrom, y.heardFrom);
            sets(out, k, "app_protos", x.appProtos, y.appProtos);
            sets(out, k, "dns_names", x.dnsNames, y.dnsNames);
            sets(out, k, "periodic", x.periodic, y.periodic);
            Set<String> eps = new TreeSet<>(x.endpoints.keySet());
            eps.addAll(y.endpoints.keySet());
            for (String e : eps) {
                EndpointProfile p = x.endpoints.get(e), q = y.endpoints.get(e);
                String where = k + " endpoint " + e;
                if (p == null) {
                    out.add("+ " + where + (q.fanout != null ? " (fanout p99 " + q.fanout.p99 + ")" : ""));
                } else if (q == null) {
                    out.add("- " + where);
                } else {
                    changed(out, where, "fanout.p99", p.fanout == null ? null : p.fanout.p99, q.fanout == null ? null : q.fanout.p99);
                    changed(out, where, "fanout.max", p.fanout == null ? null : p.fanout.max, q.fanout == null ? null : q.fanout.max);
                    changed(out, where, "fanout_limit", p.fanoutLimit, q.fanoutLimit);
                    sets(out, where, "backends", p.backends, q.backends);
                }
            }
        }
        return out;
    }

    private static void sets(List<String> out, String k, String what, Set<String> a, Set<String> b) {
        for (String v : b) {
            if (!a.contains(v)) {
                out.add("+ " + k + " " + what + ": " + v);
            }
        }
        for (String v : a) {
            if (!b.contains(v)) {
                out.add("- " + k + " " + what + ": " + v);
            }
        }
    }

    private static void changed(List<String> out, String where, String what, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add("~ " + where + " " + what + ": " + a + " -> " + b);
        }
    }

    /** Convenience for tests and the CLI. */
    static String joined(Map<String, ?> m) {
        return String.valueOf(m);
    }
}
