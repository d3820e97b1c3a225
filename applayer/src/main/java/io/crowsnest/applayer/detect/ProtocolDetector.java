package io.crowsnest.applayer.detect;

import io.crowsnest.applayer.AppProto;

/**
 * Protocol detection from the first bytes of a TCP direction, independent of ports: HTTP by request
 * method token or "HTTP/" status line, TLS by a handshake record header, SSH by its banner, Redis by a
 * RESP array or inline command; DNS over TCP is recognised on port 53 only (its first bytes are a length).
 */
public final class ProtocolDetector {
    private ProtocolDetector() {}

    /** Need more bytes to decide. */
    public static final int MORE = -1;

    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT",
            "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
            "REPORT", "CHECKOUT", "MERGE", "SUBSCRIBE", "NOTIFY", "M-SEARCH"};
    private static final String[] REDIS_INLINE = {"PING", "AUTH", "SET ", "GET ", "INFO", "CONFIG", "KEYS",
            "SLAVEOF", "REPLICAOF", "MODULE", "EVAL", "FLUSHALL", "QUIT"};

    /**
     * {@link AppProto} id for a stream starting with {@code b[off, off+len)}, {@link #MORE} when more bytes
     * are needed, {@link AppProto#FAILED} when nothing matches.
     */
    public static int detect(byte[] b, int off, int len, boolean toServer, int srcPort, int dstPort) {
        if (len <= 0) {
            return MORE;
        }
        int serverPort = toServer ? dstPort : srcPort;
        // TLS: handshake record, version 3.x
        if ((b[off] & 0xFF) == 0x16) {
            if (len < 3) {
                return MORE;
            }
            if (b[off + 1] == 3 && (b[off + 2] & 0xFF) <= 4) {
                return AppProto.TLS;
            }
        }
        boolean more = false;
        int r = prefix(b, off, len, "SSH-");
        if (r == 1) {
            return AppProto.SSH;
        }
        more |= r == 0;
        if (toServer) {
            for (String m : METHODS) {
                r = prefix(b, off, len, m);
                if (r == 1) {
                    if (len <= m.length()) {
                        more = true;
                        continue;
                    }
                    int c = b[off + m.length()];
                    if (c == ' ' || c == '\t') {
                        return AppProto.HTTP;
                    }
                } else if (r == 0) {
                    more = true;
                }
            }
        }
        r = prefix(b, off, len, "HTTP/");
        if (r == 1) {
            return AppProto.HTTP;
        }
        more |= r == 0;
        if (serverPort == 53 && len >= 2) {
            return AppProto.DNS;
        }
        if (toServer) {
            if (b[off] == '*' && len >= 2) {
                if (b[off + 1] >= '0' && b[off + 1] <= '9') {
                    return AppProto.REDIS;
                }
            }
            for (String m : REDIS_INLINE) {
                r = prefixIgnoreCase(b, off, len, m);
                if (r == 1 && serverPort == 6379) {
                    return AppProto.REDIS;
                }
            }
        } else if (serverPort == 6379 && (b[off] == '+' || b[off] == '-')) {
            return AppProto.REDIS;
        }
        if (more && len < 16) {
            return MORE;
        }
        return AppProto.FAILED;
    }

    /** 1 match, 0 consistent but too short, -1 mismatch. */
    private static int prefix(byte[] b, int off, int len, String s) {
        int n = Math.min(len, s.length());
        for (int i = 0; i < n; i++) {
            if (b[off + i] != s.charAt(i)) {
                return -1;
            }
        }
        return len >= s.length() ? 1 : 0;
    }

    private static int prefixIgnoreCase(byte[] b, int off, int len, String s) {
        int n = Math.min(len, s.length());
        for (int i = 0; i < n; i++) {
            if (Character.toUpperCase(b[off + i]) != s.charAt(i)) {
                return -1;
            }
        }
        return len >= s.length() ? 1 : 0;
    }
}
