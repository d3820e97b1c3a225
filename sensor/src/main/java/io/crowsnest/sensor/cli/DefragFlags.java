package io.crowsnest.sensor.cli;

import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.defrag.DefragPolicy;
import io.crowsnest.decoders.defrag.HostPolicies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --defrag-policy} and {@code --host-os-policy}: IP fragment overlap policies, as the
 * {@code defrag.policy} and {@code defrag.host_os_policy} keys of crowsnest.yaml; a picocli mixin
 * shared by replay and live (where the flags override the file).
 */
public final class DefragFlags {
    @Option(names = "--defrag-policy", paramLabel = "POLICY",
            description = "Overlap policy for IP fragments to hosts no --host-os-policy names: bsd (default, as Suricata),"
                    + " bsd-right, first, last, linux, windows, solaris, or a Suricata host-os-policy OS name"
                    + " (old-linux, macos, vista …).")
    String policy;

    @Option(names = "--host-os-policy", paramLabel = "NAME=CIDR[,CIDR…]",
            description = "Overlap policy for fragments to these addresses, by policy or OS name as Suricata's"
                    + " host-os-policy, e.g. linux=10.0.0.0/8,fd00::/8 (repeatable; replaces the config file's).")
    List<String> hosts = new ArrayList<>();

    /** {@code base} with the flags given applied; a bad name or block is a usage error (exit 2) naming the flag. */
    DefragConfig apply(CommandLine.Model.CommandSpec spec, DefragConfig base) {
        DefragConfig d = base;
        if (policy != null) {
            DefragPolicy p = DefragPolicy.byName(policy);
            if (p == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--defrag-policy: unknown policy '" + policy
                        + "' (one of " + DefragPolicy.allowedNames() + ")");
            }
            d = d.withPolicy(p);
        }
        if (!hosts.isEmpty()) {
            HostPolicies.Builder b = new HostPolicies.Builder();
            Map<String, String> listedUnder = new HashMap<>();
            for (String h : hosts) {
                int eq = h.indexOf('=');
                DefragPolicy p = eq < 0 ? null : DefragPolicy.byName(h.substring(0, eq));
                if (p == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--host-os-policy: '" + h
                            + "' is not NAME=CIDR[,CIDR…] with NAME one of " + DefragPolicy.allowedNames());
                }
                for (String cidr : h.substring(eq + 1).split(",", -1)) {
                    try {
                        long[] block = HostPolicies.block(cidr);
                        String before = listedUnder.putIfAbsent(java.util.Arrays.toString(block), h.substring(0, eq));
                        if (before != null) {
                            throw new IllegalArgumentException("'" + cidr + "' is already listed under " + before);
                        }
                        b.add(cidr, p);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--host-os-policy: " + e.getMessage());
                    }
                }
            }
            d = d.withHostPolicies(b.build());
        }
        return d;
    }
}
