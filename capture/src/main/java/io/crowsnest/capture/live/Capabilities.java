package io.crowsnest.capture.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the capabilities live capture needs before any pcap handle is opened, from the
 * {@code CapEff} line of {@code /proc/self/status}: CAP_NET_RAW (bit 13, to open the packet
 * socket) and CAP_NET_ADMIN (bit 12, for promiscuous mode and the kernel buffer size).
 */
public final class Capabilities {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    private Capabilities() {
    }

    /** Parses the hexadecimal {@code CapEff:} value; -1 when the line is missing or malformed. */
    public static long parseCapEff(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring(7).trim();
                try {
                    return Long.parseUnsignedLong(hex, 16);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Names of the capabilities missing from {@code capEff} (empty when all are present). */
    public static List<String> missing(long capEff) {
        List<String> out = new ArrayList<>();
        if (capEff == -1) {
            return out; // unknown (not Linux): let libpcap decide
        }
        if ((capEff & (1L << CAP_NET_RAW)) == 0) {
            out.add("CAP_NET_RAW");
        }
        if ((capEff & (1L << CAP_NET_ADMIN)) == 0) {
            out.add("CAP_NET_ADMIN");
        }
        return out;
    }

    /** The one-line error for missing capabilities, or null when none is missing. */
    public static String message(long capEff) {
        List<String> miss = missing(capEff);
        if (miss.isEmpty()) {
            return null;
        }
        return "live capture needs " + String.join(" and ", miss) + " (missing from CapEff "
                + String.format("%016x", capEff) + "): run as root, or grant it with "
                + "'setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which java))', or in Kubernetes "
                + "add it to the DaemonSet's securityContext.capabilities.add [NET_RAW, NET_ADMIN] "
                + "(with hostNetwork: true)";
    }

    /** Throws {@link LiveCaptureException} at once when a needed capability is missing. */
    public static void require() {
        require(Path.of("/proc/self/status"));
    }

    static void require(Path procStatus) {
        String text;
        try {
            text = Files.readString(procStatus, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // not Linux / no procfs: libpcap's own error will be translated
        }
        String msg = message(parseCapEff(text));
        if (msg != null) {
            throw new LiveCaptureException(msg);
        }
    }
}
