package io.crowsnest.sensor.rules;

import io.crowsnest.detection.workload.WorkloadFacts;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.WorkloadLookup;

/**
 * Exposes the sensor's identity lookup to the {@code workload} rule keyword. The keyword runs on the packet path, so
 * a lookup allocates nothing: each thread reuses one {@link View} onto the workload found (the keyword reads it at
 * once, see {@link WorkloadFacts#lookup}).
 */
public final class WorkloadFactsAdapter {
    private WorkloadFactsAdapter() {
    }

    /** Facts from {@code lookup} (null: none, every address unknown). */
    public static WorkloadFacts of(WorkloadLookup lookup) {
        if (lookup == null) {
            return WorkloadFacts.NONE;
        }
        ThreadLocal<View> views = ThreadLocal.withInitial(View::new);
        return (hi, lo, t) -> {
            Workload w = lookup.lookup(hi, lo, t);
            if (w == null) {
                return null;
            }
            View v = views.get();
            v.workload = w;
            return v;
        };
    }

    /** One thread's view of the last workload it looked up. */
    static final class View implements WorkloadFacts.Facts {
        Workload workload;

        @Override
        public String field(String name) {
            Workload w = workload;
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

        @Override
        public String label(String key) {
            return workload.labels() == null ? null : workload.labels().get(key);
        }
    }
}
