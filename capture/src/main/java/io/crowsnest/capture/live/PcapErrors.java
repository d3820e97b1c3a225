package io.crowsnest.capture.live;

import java.util.Locale;

/** Turns libpcap / JNA failures into one clear line naming the interface. */
public final class PcapErrors {
    private PcapErrors() {
    }

    public static String describe(String iface, Throwable t) {
        String raw = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String m = raw.toLowerCase(Locale.ROOT);
        String first = raw.lines().findFirst().orElse(raw).trim();
        if (t instanceof UnsatisfiedLinkError || t instanceof NoClassDefFoundError
                || m.contains("unable to load library")) {
            return "cannot load libpcap for live capture: install it ('apt-get install -y libpcap0.8') ("
                    + first + ")";
        }
        if (m.contains("operation not permitted") || m.contains("permission")) {
            return "cannot capture on " + iface + ": permission denied; live capture needs CAP_NET_RAW and "
                    + "CAP_NET_ADMIN (run as root or 'setcap cap_net_raw,cap_net_admin+eip "
                    + "$(readlink -f $(which java))') (" + first + ")";
        }
        if (m.contains("no such device") || m.contains("doesn't exist") || m.contains("does not exist")
                || m.contains("no such file")) {
            return "cannot capture on " + iface + ": no such interface in this network namespace (" + first + ")";
        }
        if (m.contains("disappeared")) {
            return "capture on " + iface + " ended: the interface vanished (" + first + ")";
        }
        if (m.contains("went down") || m.contains("not up") || m.contains("network is down")) {
            return "capture on " + iface + " stopped: the interface is down (" + first + ")";
        }
        if (m.contains("syntax error") || m.contains("can't parse filter") || m.contains("filter")) {
            return "bad BPF filter for " + iface + ": " + first;
        }
        return "capture on " + iface + " failed: " + first;
    }
}
