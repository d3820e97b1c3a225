package io.crowsnest.decoders.defrag;

import java.util.Locale;
import java.util.Map;

/**
 * How overlapping fragments are resolved: Suricata's {@code enum defrag_policies}. The default is
 * {@link #BSD}, as in Suricata. Each constant's rule is applied in
 * {@link Defragmenter} exactly as Suricata's {@code DefragInsertFrag} applies it (see there).
 */
public enum DefragPolicy {
    FIRST,
    LAST,
    BSD,
    /** Suricata maps {@code bsd-right} hosts to it but has no rule for it: nothing is trimmed (see {@link Defragmenter}). */
    BSD_RIGHT,
    LINUX,
    WINDOWS,
    SOLARIS;

    /**
     * Names accepted in config, as Suricata's host-os-policy names them, and the policy each one
     * gets (Suricata's {@code DefragGetOsPolicy}): several operating systems share a policy.
     * {@code first} and {@code last} name the two policies that no OS name maps to.
     */
    public static final Map<String, DefragPolicy> NAMES = Map.ofEntries(
            Map.entry("first", FIRST),
            Map.entry("last", LAST),
            Map.entry("bsd", BSD),
            Map.entry("hpux10", BSD),
            Map.entry("irix", BSD),
            Map.entry("bsd-right", BSD_RIGHT),
            Map.entry("linux", LINUX),
            Map.entry("old-linux", LINUX),
            Map.entry("windows", WINDOWS),
            Map.entry("vista", WINDOWS),
            Map.entry("windows2k3", WINDOWS),
            Map.entry("solaris", SOLARIS),
            Map.entry("old-solaris", FIRST),
            Map.entry("hpux11", FIRST),
            Map.entry("macos", FIRST));

    /** The accepted names, sorted, for error messages. */
    public static String allowedNames() {
        return String.join(", ", new java.util.TreeSet<>(NAMES.keySet()));
    }

    /** The policy a config name stands for; null when the name is not one of {@link #NAMES}. */
    public static DefragPolicy byName(String name) {
        return name == null ? null : NAMES.get(name.toLowerCase(Locale.ROOT));
    }

    /** The config name of this policy ({@code bsd-right} for {@link #BSD_RIGHT}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
