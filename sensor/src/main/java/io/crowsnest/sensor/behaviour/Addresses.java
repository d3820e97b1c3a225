package io.crowsnest.sensor.behaviour;

/** Text addresses back into the (version, hi, lo) form alerts carry; anything unparsable is 0.0.0.0. */
final class Addresses {
    private Addresses() {
    }

    static long[] parse(String s) {
        if (s == null || s.isEmpty()) {
            return new long[] {0, 0, 0};
        }
        if (s.indexOf(':') < 0) {
            String[] p = s.split("\\.");
            if (p.length != 4) {
                return new long[] {0, 0, 0};
            }
            long v = 0;
            try {
                for (String x : p) {
                    int o = Integer.parseInt(x);
                    if (o < 0 || o > 255) {
                        return new long[] {0, 0, 0};
                    }
                    v = (v << 8) | o;
                }
            } catch (NumberFormatException e) {
                return new long[] {0, 0, 0};
            }
            return new long[] {4, 0, io.crowsnest.decoders.Packet.V4_MAPPED_LO_PREFIX | v};
        }
        try {
            byte[] b = java.net.InetAddress.getByName(s).getAddress(); // a literal: no lookup
            if (b.length != 16) {
                return new long[] {0, 0, 0};
            }
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (b[i] & 0xff);
                lo = (lo << 8) | (b[i + 8] & 0xff);
            }
            return new long[] {6, hi, lo};
        } catch (java.net.UnknownHostException e) {
            return new long[] {0, 0, 0};
        }
    }
}
