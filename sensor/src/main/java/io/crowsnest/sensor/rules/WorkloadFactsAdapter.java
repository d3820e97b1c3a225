package io.crowsnest.sensor.rules;

import io.crowsnest.detection.workload.WorkloadFacts;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadLookup;

/** Exposes the sensor's identity lookup to the {@code workload} rule keyword. */
public final class WorkloadFactsAdapter {
    private WorkloadFactsAdapter() {
    }

    /** Facts from {@code lookup} (null: none, every address unknown). */
    public static WorkloadFacts of(WorkloadLookup lookup) {
        if (lookup == null) {
            return WorkloadFacts.NONE;
        }
        return (hi, lo, t) -> {
            Workload w = lookup.lookup(hi, lo, t);
            return w == null ? null : new WorkloadFacts.Facts() {
                public String field(String name) {
                    switch (name) {
                        case "kind": return w.kind() == null ? null : w.kind().json();
                        case "namespace": return w.namespace();
                        case "pod": return w.pod();
                        case "container": return w.container();
                        case "image": return w.image();
                        case "owner": return w.owner();
                        case "node": return w.node();
                        case "service_account": return w.serviceAccount();
                        default: return null;
                    }
                }

                public String label(String key) {
                    return w.labels() == null ? null : w.labels().get(key);
                }
            };
        };
    }
}
