package io.crowsnest.behaviour;

import io.crowsnest.behaviour.profile.Profile;
import io.crowsnest.behaviour.profile.WorkloadProfile;

/** What every detector is built with: the baseline (may be empty), thresholds, and workload naming. */
public final class BehaviourContext {
    private final Profile profile;
    private final BehaviourConfig config;
    private final WorkloadNames names;

    public BehaviourContext(Profile profile, BehaviourConfig config, WorkloadNames names) {
        this.profile = profile == null ? new Profile() : profile;
        this.config = config == null ? BehaviourConfig.defaults() : config;
        this.names = names == null ? WorkloadNames.NONE : names;
    }

    public static BehaviourContext defaults() {
        return new BehaviourContext(null, null, null);
    }

    /** True when a baseline was given (drift detectors only run with one). */
    public boolean hasBaseline() {
        return !profile.isEmpty();
    }

    public Profile profile() {
        return profile;
    }

    public BehaviourConfig config() {
        return config;
    }

    /** The profile key of an address at a time: its workload name when known, else the address. */
    public String key(String addr, long tsNanos) {
        String n = names.name(addr, tsNanos);
        return n != null ? n : addr;
    }

    /** The baseline of the workload holding {@code addr} at that time, or null. */
    public WorkloadProfile baseline(String addr, long tsNanos) {
        return profile.workload(key(addr, tsNanos));
    }
}
