package io.crowsnest.sensor.cli;

import io.crowsnest.detection.prefilter.MpmAlgo;
import io.crowsnest.detection.prefilter.PatternSetBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --mpm-algo ac|hs} (Suricata's name for the setting), the prefilter engine; a picocli mixin shared by
 * replay, live and rules check. The choice is process-wide, as in Suricata: the flag sets the system property
 * {@value MpmAlgo#PROPERTY} that {@link PatternSetBuilder#build()} reads, so rule reloads keep it.
 */
public final class MpmFlags {
    @Option(names = "--mpm-algo", paramLabel = "ac|hs",
            description = "Prefilter engine: ac (Aho-Corasick) or hs (Hyperscan; where it cannot load, ac with one warning)."
                    + " Default: -Dcrowsnest.mpm, else ac.")
    String algo;

    /** Applies the flag; a bad value, here or in -Dcrowsnest.mpm, is a usage error (exit 2) naming it. */
    void apply(CommandLine.Model.CommandSpec spec) {
        try {
            if (algo != null) {
                System.setProperty(MpmAlgo.PROPERTY, MpmAlgo.parse(algo).key());
            } else {
                MpmAlgo.configured(PatternSetBuilder.DEFAULT_ALGO);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    (algo != null ? "--mpm-algo: " : "") + e.getMessage());
        }
    }
}
