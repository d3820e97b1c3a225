package io.crowsnest.detection.workload;

/**
 * What the detection engine may ask about the workload holding an address at a packet's time, for the
 * {@code workload} rule keyword. The sensor installs its identity lookup here (live: the resolver; replay:
 * the {@code --identity} journal); without one every address is unknown, so positive workload conditions
 * never match and negated ones always do. Implementations must not block (they run on the packet path,
 * only for packets whose rule got past the prefilter to its workload condition).
 */
@FunctionalInterface
public interface WorkloadFacts {
    /**
     * The facts of the workload that held the address at the time, or null when unknown. The result may be a view
     * that the calling thread's next lookup reuses (no allocation per packet): read it before looking up again.
     */
    Facts lookup(long addressHi, long addressLo, long epochNanos);

    /** One workload's facts by name: kind, namespace, pod, container, image, owner, node; labels by key. */
    interface Facts {
        String field(String name);

        String label(String key);
    }

    WorkloadFacts NONE = (hi, lo, t) -> null;

    /** The installed facts (a volatile read: installed once before packets flow, or swapped between runs). */
    static WorkloadFacts current() {
        return Holder.current;
    }

    static void install(WorkloadFacts facts) {
        Holder.current = facts == null ? NONE : facts;
    }

    /** Where the installed facts live (interfaces cannot hold mutable static fields). */
    final class Holder {
        static volatile WorkloadFacts current = NONE;

        private Holder() {
        }
    }
}
