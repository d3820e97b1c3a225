package io.crowsnest.detection.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything that needs the application layer, in one place: the buffer keywords (sticky buffers and
 * legacy content modifiers, mapped to their canonical buffer name) and the app-layer rule protocols.
 * Rules using them are reported as not loaded until the app layer binds these buffers.
 */
public final class AppLayer {
    private AppLayer() {}

    /** Keyword name to canonical buffer name. */
    public static final Map<String, String> BUFFER_KEYWORDS = new LinkedHashMap<>();

    /** Rule header protocols that are app-layer protocols. */
    public static final Set<String> PROTOCOLS = Set.of("http", "http1", "http2", "ftp", "ftp-data", "tls", "ssl",
            "smb", "dcerpc", "dns", "smtp", "ssh", "imap", "pop3", "modbus", "dnp3", "enip", "cip", "nfs", "ntp",
            "tftp", "ikev2", "ike", "krb5", "dhcp", "snmp", "sip", "rfb", "mqtt", "pgsql", "telnet", "quic", "rdp",
            "bittorrent-dht", "websocket", "ldap", "doh2", "template", "irc", "rpc", "mysql", "dns-tcp", "dns-udp",
            "redis"); // redis: Crowsnest's own parser (Suricata has none)

    /** App-layer protocols carried over UDP only. */
    public static final Set<String> UDP_PROTOCOLS = Set.of("ntp", "tftp", "ikev2", "ike", "dhcp", "snmp", "quic",
            "bittorrent-dht", "dns-udp");
    /** App-layer protocols carried over TCP and UDP. */
    public static final Set<String> TCP_OR_UDP_PROTOCOLS = Set.of("dns", "krb5", "sip", "nfs", "dcerpc", "rpc");

    /** Legacy content modifiers: they move the preceding content to their buffer (not sticky). */
    public static final Set<String> CONTENT_MODIFIERS = Set.of("http_uri", "http_raw_uri", "http_header",
            "http_raw_header", "http_method", "http_cookie", "http_user_agent", "http_host", "http_raw_host",
            "http_stat_code", "http_stat_msg", "http_client_body", "http_server_body");

    private static void buf(String canonical, String... names) {
        BUFFER_KEYWORDS.put(canonical, canonical);
        for (String n : names) {
            BUFFER_KEYWORDS.put(n, canonical);
        }
    }

    static {
        buf("http.uri", "http_uri");
        buf("http.uri.raw", "http_raw_uri");
        buf("http.header", "http_header");
        buf("http.header.raw", "http_raw_header");
        buf("http.method", "http_method");
        buf("http.cookie", "http_cookie");
        buf("http.user_agent", "http_user_agent");
        buf("http.host", "http_host");
        buf("http.host.raw", "http_raw_host");
        buf("http.stat_code", "http_stat_code");
        buf("http.stat_msg", "http_stat_msg");
        buf("http.request_body", "http_client_body");
        buf("http.response_body", "http_server_body");
        buf("http.request_line", "http_request_line");
        buf("http.response_line", "http_response_line");
        buf("http.header_names", "http_header_names");
        buf("http.protocol", "http_protocol");
        buf("http.start", "http_start");
        buf("http.content_type", "http_content_type");
        buf("http.content_len", "http_content_len");
        buf("http.referer", "http_referer");
        buf("http.accept", "http_accept");
        buf("http.accept_enc", "http_accept_enc");
        buf("http.accept_lang", "http_accept_lang");
        buf("http.connection", "http_connection");
        buf("http.location");
        buf("http.server");
        buf("http.request_header");
        buf("http.response_header");
        buf("http2.header", "http2.header_name");
        buf("file.data", "file_data");
        buf("file.name", "filename", "fileext");
        buf("file.magic", "filemagic");
        buf("filemd5", "filesha1", "filesha256", "filesize", "filestore");
        buf("dns.query", "dns_query");
        for (String k : new String[] {"dns.opcode", "dns.answer.name", "dns.query.name", "dns.rrtype", "dns.rcode"}) {
            buf(k);
        }
        buf("tls.sni", "tls_sni");
        buf("tls.cert_subject", "tls_cert_subject", "tls.subject");
        buf("tls.cert_issuer", "tls_cert_issuer", "tls.issuerdn");
        buf("tls.cert_serial", "tls_cert_serial");
        buf("tls.cert_fingerprint", "tls_cert_fingerprint", "tls.fingerprint");
        buf("tls.certs");
        // each its own name: they are not the certificates (several take no value, and must not make
        // tls.certs sticky); the valued ones the app layer evaluates are real keywords (TlsVersionKeyword …)
        for (String k : new String[] {"tls.version", "tls_version", "tls.store", "tls.random", "tls.random_time",
                "tls.random_bytes", "tls.alpn", "ssl_state"}) {
            buf(k);
        }
        buf("ja3.hash", "ja3_hash");
        buf("ja3.string", "ja3_string");
        buf("ja3s.hash", "ja3s_hash");
        buf("ja3s.string", "ja3s_string");
        buf("ja4.hash");
        buf("ssh.proto", "ssh_proto");
        buf("ssh.software", "ssh_software");
        buf("ssh.hassh", "ssh.hassh.server", "ssh.hassh.string", "ssh.hassh.server.string");
        // Crowsnest's own: a Redis command and its arguments, joined by single spaces
        buf("redis.command");
        buf("smb.named_pipe", "smb.share", "smb.ntlmssp_user", "smb.ntlmssp_domain");
        buf("dce_iface", "dce_opnum", "dce_stub_data");
        buf("krb5_cname", "krb5_sname", "krb5_msg_type", "krb5_err_code");
        buf("sip.method", "sip.uri", "sip.protocol", "sip.stat_code", "sip.stat_msg", "sip.request_line",
                "sip.response_line");
        buf("ftpdata_command");
        buf("smtp.helo", "smtp.mail_from", "smtp.rcpt_to");
        buf("snmp.community", "snmp.pdu_type", "snmp.version");
        buf("mqtt.topic", "mqtt.type", "mqtt.connect.clientid");
        buf("quic.sni", "quic.version", "quic.ua");
        buf("app-layer-event");
    }

    /** Canonical buffer name of an app-layer keyword, or null. */
    public static String bufferOf(String keyword) {
        return BUFFER_KEYWORDS.get(keyword);
    }
}
