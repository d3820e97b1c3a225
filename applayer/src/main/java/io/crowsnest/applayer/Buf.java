package io.crowsnest.applayer;

import java.util.HashMap;
import java.util.Map;

/**
 * Buffer ids the app layer feeds to rules, with the canonical (Suricata) names the rule language uses and
 * the direction each one belongs to.
 */
public final class Buf {
    private Buf() {}

    public static final int DIR_TO_SERVER = 1, DIR_TO_CLIENT = 2, DIR_BOTH = 3;

    public static final int HTTP_URI = 0, HTTP_URI_RAW = 1, HTTP_METHOD = 2, HTTP_HOST = 3, HTTP_HOST_RAW = 4,
            HTTP_USER_AGENT = 5, HTTP_HEADER = 6, HTTP_HEADER_RAW = 7, HTTP_COOKIE = 8, HTTP_CONTENT_TYPE = 9,
            HTTP_REQUEST_LINE = 10, HTTP_REQUEST_BODY = 11, HTTP_STAT_CODE = 12, HTTP_STAT_MSG = 13,
            HTTP_RESPONSE_LINE = 14, HTTP_RESPONSE_BODY = 15, FILE_DATA = 16, HTTP_PROTOCOL = 17,
            HTTP_HEADER_NAMES = 18, HTTP_CONTENT_LEN = 19, HTTP_REFERER = 20, HTTP_SERVER = 21, HTTP_LOCATION = 22,
            DNS_QUERY = 23, TLS_SNI = 24, TLS_CERT_SUBJECT = 25, TLS_CERT_ISSUER = 26, TLS_CERT_SERIAL = 27,
            JA3_HASH = 28, JA3_STRING = 29, JA3S_HASH = 30, JA3S_STRING = 31, SSH_PROTO = 32, SSH_SOFTWARE = 33,
            REDIS_COMMAND = 34, HTTP_ACCEPT = 35, HTTP_CONNECTION = 36, JA4_HASH = 37, TLS_CERTS = 38,
            HTTP_START = 39, HTTP_ACCEPT_ENC = 40, HTTP_ACCEPT_LANG = 41;
    public static final int COUNT = 42;

    private static final String[] NAMES = new String[COUNT];
    private static final int[] DIRS = new int[COUNT];
    private static final int[] PROTOS = new int[COUNT];
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    private static void def(int id, String name, int proto, int dir) {
        NAMES[id] = name;
        DIRS[id] = dir;
        PROTOS[id] = proto;
        BY_NAME.put(name, id);
    }

    static {
        int h = AppProto.HTTP;
        def(HTTP_URI, "http.uri", h, DIR_TO_SERVER);
        def(HTTP_URI_RAW, "http.uri.raw", h, DIR_TO_SERVER);
        def(HTTP_METHOD, "http.method", h, DIR_TO_SERVER);
        def(HTTP_HOST, "http.host", h, DIR_TO_SERVER);
        def(HTTP_HOST_RAW, "http.host.raw", h, DIR_TO_SERVER);
        def(HTTP_USER_AGENT, "http.user_agent", h, DIR_TO_SERVER);
        def(HTTP_HEADER, "http.header", h, DIR_BOTH);
        def(HTTP_HEADER_RAW, "http.header.raw", h, DIR_BOTH);
        def(HTTP_COOKIE, "http.cookie", h, DIR_BOTH);
        def(HTTP_CONTENT_TYPE, "http.content_type", h, DIR_BOTH);
        def(HTTP_REQUEST_LINE, "http.request_line", h, DIR_TO_SERVER);
        def(HTTP_REQUEST_BODY, "http.request_body", h, DIR_TO_SERVER);
        def(HTTP_STAT_CODE, "http.stat_code", h, DIR_TO_CLIENT);
        def(HTTP_STAT_MSG, "http.stat_msg", h, DIR_TO_CLIENT);
        def(HTTP_RESPONSE_LINE, "http.response_line", h, DIR_TO_CLIENT);
        def(HTTP_RESPONSE_BODY, "http.response_body", h, DIR_TO_CLIENT);
        def(FILE_DATA, "file.data", h, DIR_BOTH);
        def(HTTP_PROTOCOL, "http.protocol", h, DIR_BOTH);
        def(HTTP_HEADER_NAMES, "http.header_names", h, DIR_BOTH);
        def(HTTP_CONTENT_LEN, "http.content_len", h, DIR_BOTH);
        def(HTTP_REFERER, "http.referer", h, DIR_TO_SERVER);
        def(HTTP_SERVER, "http.server", h, DIR_TO_CLIENT);
        def(HTTP_LOCATION, "http.location", h, DIR_TO_CLIENT);
        def(HTTP_ACCEPT, "http.accept", h, DIR_TO_SERVER);
        def(HTTP_CONNECTION, "http.connection", h, DIR_BOTH);
        def(HTTP_START, "http.start", h, DIR_BOTH);
        def(HTTP_ACCEPT_ENC, "http.accept_enc", h, DIR_TO_SERVER);
        def(HTTP_ACCEPT_LANG, "http.accept_lang", h, DIR_TO_SERVER);
        def(DNS_QUERY, "dns.query", AppProto.DNS, DIR_TO_SERVER);
        def(TLS_SNI, "tls.sni", AppProto.TLS, DIR_TO_SERVER);
        def(TLS_CERT_SUBJECT, "tls.cert_subject", AppProto.TLS, DIR_TO_CLIENT);
        def(TLS_CERT_ISSUER, "tls.cert_issuer", AppProto.TLS, DIR_TO_CLIENT);
        def(TLS_CERT_SERIAL, "tls.cert_serial", AppProto.TLS, DIR_TO_CLIENT);
        def(TLS_CERTS, "tls.certs", AppProto.TLS, DIR_TO_CLIENT);
        def(JA3_HASH, "ja3.hash", AppProto.TLS, DIR_TO_SERVER);
        def(JA3_STRING, "ja3.string", AppProto.TLS, DIR_TO_SERVER);
        def(JA3S_HASH, "ja3s.hash", AppProto.TLS, DIR_TO_CLIENT);
        def(JA3S_STRING, "ja3s.string", AppProto.TLS, DIR_TO_CLIENT);
        def(JA4_HASH, "ja4.hash", AppProto.TLS, DIR_TO_SERVER);
        def(SSH_PROTO, "ssh.proto", AppProto.SSH, DIR_BOTH);
        def(SSH_SOFTWARE, "ssh.software", AppProto.SSH, DIR_BOTH);
        def(REDIS_COMMAND, "redis.command", AppProto.REDIS, DIR_TO_SERVER);
    }

    /** Id of a canonical buffer name, or -1 when the app layer does not feed it. */
    public static int byName(String name) {
        Integer i = BY_NAME.get(name);
        return i == null ? -1 : i;
    }

    public static String name(int id) {
        return NAMES[id];
    }

    /** DIR_TO_SERVER, DIR_TO_CLIENT or DIR_BOTH. */
    public static int direction(int id) {
        return DIRS[id];
    }

    public static int proto(int id) {
        return PROTOS[id];
    }
}
