package io.crowsnest.applayer.detect;

import io.crowsnest.applayer.AppProto;

/**
 * Protocol detection from the first bytes of a TCP direction, independent of ports: HTTP by request
 * method token or "HTTP/" status line, TLS by a handshake record header, SSH by its banner, Redis by a
 * RESP array or inline command, PostgreSQL by the client's startup packet, MySQL by the server's
 * Handshake v10, FTP by the server's 220 greeting (port 21 or "FTP" in it); DNS over TCP is recognised on
 * port 53 only (its first bytes are a length).
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
        r = postgres(b, off, len, toServer);
        if (r != AppProto.FAILED) {
            return r;
        }
        r = mysql(b, off, len, toServer, serverPort);
        if (r != AppProto.FAILED) {
            return r;
        }
        r = ftp(b, off, len, toServer, serverPort);
        if (r != AppProto.FAILED) {
            return r;
        }
        if (more && len < 16) {
            return MORE;
        }
        return AppProto.FAILED;
    }

    /**
     * PostgreSQL: the client's first message is a length (8 … 10000) and a code: protocol 3.x
     * (StartupMessage), SSLRequest or GSSENCRequest (length 8), CancelRequest (length 16). The server never
     * speaks first, so the client side decides.
     */
    private static int postgres(byte[] b, int off, int len, boolean toServer) {
        if (!toServer || b[off] != 0) {
            return AppProto.FAILED;
        }
        if (len < 8) {
            return MORE;
        }
        int n = be32(b, off), code = be32(b, off + 4);
        boolean startup = (code >>> 16) == 3 && n > 8 && n <= 10000;
        boolean request = n == 8 && (code == 80877103 || code == 80877104);
        boolean cancel = n == 16 && code == 80877102;
        return startup || request || cancel ? AppProto.PGSQL : AppProto.FAILED;
    }

    /**
     * MySQL/MariaDB: the server speaks first, a Handshake v10 packet (3-byte length, sequence 0, protocol
     * byte 10, a version string starting with a digit); on port 3306 also the ERR packet a refused host gets.
     */
    private static int mysql(byte[] b, int off, int len, boolean toServer, int serverPort) {
        if (toServer) {
            return AppProto.FAILED;
        }
        // a greeting is short (length < 1025: high byte 0, middle byte <= 4), sequence 0, then 10 or 0xFF
        if ((len >= 2 && (b[off + 1] & 0xFF) > 4) || (len >= 3 && b[off + 2] != 0) || (len >= 4 && b[off + 3] != 0)
                || (len >= 5 && b[off + 4] != 10 && (b[off + 4] & 0xFF) != 0xFF)) {
            return AppProto.FAILED;
        }
        if (len < 6) {
            return MORE;
        }
        int n = (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8) | ((b[off + 2] & 0xFF) << 16);
        if (b[off + 3] != 0 || n < 6 || n > 1024) {
            return AppProto.FAILED;
        }
        if (b[off + 4] == 10 && b[off + 5] >= '0' && b[off + 5] <= '9') {
            return AppProto.MYSQL;
        }
        return serverPort == 3306 && (b[off + 4] & 0xFF) == 0xFF ? AppProto.MYSQL : AppProto.FAILED;
    }

    /**
     * FTP: the server's greeting, "220 " or "220-", on port 21 or naming FTP in its first line (SMTP greets
     * with 220 too); on port 21 also a client's USER or AUTH.
     */
    private static int ftp(byte[] b, int off, int len, boolean toServer, int serverPort) {
        if (toServer) {
            if (serverPort == 21 && (prefixIgnoreCase(b, off, len, "USER ") == 1
                    || prefixIgnoreCase(b, off, len, "AUTH ") == 1)) {
                return AppProto.FTP;
            }
            return AppProto.FAILED;
        }
        int r = prefix(b, off, len, "220");
        if (r != 1) {
            return r == 0 ? MORE : AppProto.FAILED;
        }
        if (len < 4) {
            return MORE;
        }
        if (b[off + 3] != ' ' && b[off + 3] != '-') {
            return AppProto.FAILED;
        }
        if (serverPort == 21) {
            return AppProto.FTP;
        }
        for (int i = off + 4; i < off + len; i++) {
            if (b[i] == '\n') {
                return AppProto.FAILED;
            }
            if (i + 3 <= off + len && Character.toUpperCase(b[i]) == 'F' && Character.toUpperCase(b[i + 1]) == 'T'
                    && Character.toUpperCase(b[i + 2]) == 'P') {
                return AppProto.FTP;
            }
        }
        return MORE;
    }

    /**
     * The bytes {@link #detect} recognised as {@code proto} are what that protocol's server sends first
     * (an HTTP status line), so a side that sends them is the server.
     */
    public static boolean isServerSpeaking(int proto, byte[] b, int off, int len) {
        return proto == AppProto.HTTP && prefix(b, off, len, "HTTP/") == 1;
    }

    private static int be32(byte[] b, int o) {
        return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
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
