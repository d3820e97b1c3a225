package io.crowsnest.applayer.http;

import io.crowsnest.applayer.AppProto;
import io.crowsnest.applayer.Buf;
import io.crowsnest.applayer.ByteBuf;
import io.crowsnest.applayer.Slice;
import io.crowsnest.applayer.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One HTTP/1.x request and its response. */
public final class HttpTx extends Transaction {
    /** A header as received (name and value trimmed; folded lines joined with a space). */
    public static final class Header {
        public final byte[] name, value;

        Header(byte[] name, byte[] value) {
            this.name = name;
            this.value = value;
        }

        public String nameString() {
            return new String(name, StandardCharsets.ISO_8859_1);
        }

        public String valueString() {
            return new String(value, StandardCharsets.ISO_8859_1);
        }
    }

    // request
    public byte[] requestLine, method, uriRaw, uri, protocol;
    public final List<Header> requestHeaders = new ArrayList<>();
    public final ByteBuf requestHeaderRaw;
    public byte[] host, hostRaw, userAgent, cookie, requestContentType;
    public final ByteBuf requestBody;
    public boolean requestSeen, requestComplete;
    private byte[] requestHeaderNorm, requestStart;
    private boolean requestHeadersComplete;

    // response
    public byte[] responseLine, responseProtocol, statCode, statMsg;
    public int status = -1;
    public final List<Header> responseHeaders = new ArrayList<>();
    public final ByteBuf responseHeaderRaw;
    public byte[] responseContentType, responseCookie;
    public final ByteBuf responseBody;
    public boolean responseSeen, responseComplete;
    /** Response body bytes on the wire (after de-chunking, before decompression). */
    public long responseLength;
    private byte[] responseHeaderNorm, responseStart;
    private boolean responseHeadersComplete;

    HttpTx(int bodyLimit, int headerLimit) {
        requestBody = new ByteBuf(0, bodyLimit);
        responseBody = new ByteBuf(0, bodyLimit);
        requestHeaderRaw = new ByteBuf(0, headerLimit);
        responseHeaderRaw = new ByteBuf(0, headerLimit);
    }

    @Override
    public int proto() {
        return AppProto.HTTP;
    }

    @Override
    public boolean complete() {
        return requestComplete && responseComplete;
    }

    /** First request header of that name (case-insensitive), or null. */
    public byte[] requestHeader(String name) {
        return find(requestHeaders, name);
    }

    public byte[] responseHeader(String name) {
        return find(responseHeaders, name);
    }

    /** Names compare ignoring case and NUL bytes, as libhtp's header table does ("Content\0-Length"). */
    static byte[] find(List<Header> hs, String name) {
        for (Header h : hs) {
            if (h.name.length >= name.length() && HttpSyntax.equalsNoCaseNoZero(h.name, name)) {
                return h.value;
            }
        }
        return null;
    }

    private static byte[] norm(List<Header> hs) {
        ByteBuf b = new ByteBuf(256, 1 << 20);
        for (Header h : hs) {
            b.append(h.name, 0, h.name.length);
            b.append(':');
            b.append(' ');
            b.append(h.value, 0, h.value.length);
            b.append('\r');
            b.append('\n');
        }
        return b.toArray();
    }

    void requestHeadersDone() {
        requestHeaderNorm = null;
        requestStart = null;
        requestHeadersComplete = true;
    }

    void responseHeadersDone() {
        responseHeaderNorm = null;
        responseStart = null;
        responseHeadersComplete = true;
    }

    /**
     * Suricata's {@code http.start}: the request (response) line, CRLF, each header as {@code name: value}
     * CRLF, then the empty line's CRLF. Built once the headers are complete, kept with the transaction.
     */
    private byte[] start(boolean toServer) {
        byte[] line = toServer ? requestLine : responseLine;
        if (line == null || !(toServer ? requestHeadersComplete : responseHeadersComplete)) {
            return null;
        }
        byte[] cached = toServer ? requestStart : responseStart;
        if (cached != null) {
            return cached;
        }
        byte[] headers = norm(toServer ? requestHeaders : responseHeaders);
        byte[] b = new byte[line.length + 2 + headers.length + 2];
        System.arraycopy(line, 0, b, 0, line.length);
        b[line.length] = '\r';
        b[line.length + 1] = '\n';
        System.arraycopy(headers, 0, b, line.length + 2, headers.length);
        b[b.length - 2] = '\r';
        b[b.length - 1] = '\n';
        if (toServer) {
            requestStart = b;
        } else {
            responseStart = b;
        }
        return b;
    }

    @Override
    public boolean buffer(int buf, boolean toServer, int index, Slice out) {
        if (index != 0) {
            return false;
        }
        switch (buf) {
            case Buf.HTTP_URI: return toServer && slice(out, uri);
            case Buf.HTTP_URI_RAW: return toServer && slice(out, uriRaw);
            case Buf.HTTP_METHOD: return toServer && slice(out, method);
            case Buf.HTTP_HOST: return toServer && slice(out, host);
            case Buf.HTTP_HOST_RAW: return toServer && slice(out, hostRaw);
            case Buf.HTTP_USER_AGENT: return toServer && slice(out, userAgent);
            case Buf.HTTP_REQUEST_LINE: return toServer && slice(out, requestLine);
            case Buf.HTTP_REQUEST_BODY: return toServer && requestBody.length() > 0 && slice(out, requestBody);
            case Buf.HTTP_REFERER: return toServer && slice(out, requestHeader("referer"));
            case Buf.HTTP_ACCEPT: return toServer && slice(out, requestHeader("accept"));
            case Buf.HTTP_ACCEPT_ENC: return toServer && slice(out, requestHeader("accept-encoding"));
            case Buf.HTTP_ACCEPT_LANG: return toServer && slice(out, requestHeader("accept-language"));
            case Buf.HTTP_START: return slice(out, start(toServer));
            case Buf.HTTP_PROTOCOL: return slice(out, toServer ? protocol : responseProtocol);
            case Buf.HTTP_COOKIE: return slice(out, toServer ? cookie : responseCookie);
            case Buf.HTTP_CONTENT_TYPE: return slice(out, toServer ? requestContentType : responseContentType);
            case Buf.HTTP_CONTENT_LEN:
                return slice(out, toServer ? requestHeader("content-length") : responseHeader("content-length"));
            case Buf.HTTP_CONNECTION:
                return slice(out, toServer ? requestHeader("connection") : responseHeader("connection"));
            case Buf.HTTP_HEADER:
                if (toServer) {
                    if (!requestSeen || requestHeaders.isEmpty()) {
                        return false;
                    }
                    if (requestHeaderNorm == null) {
                        requestHeaderNorm = norm(requestHeaders);
                    }
                    return slice(out, requestHeaderNorm);
                }
                if (!responseSeen || responseHeaders.isEmpty()) {
                    return false;
                }
                if (responseHeaderNorm == null) {
                    responseHeaderNorm = norm(responseHeaders);
                }
                return slice(out, responseHeaderNorm);
            case Buf.HTTP_HEADER_NAMES: {
                List<Header> hs = toServer ? requestHeaders : responseHeaders;
                if (hs.isEmpty()) {
                    return false;
                }
                ByteBuf b = new ByteBuf(64, 1 << 16);
                b.append('\r');
                b.append('\n');
                for (Header h : hs) {
                    b.append(h.name, 0, h.name.length);
                    b.append('\r');
                    b.append('\n');
                }
                b.append('\r');
                b.append('\n');
                return slice(out, b.toArray());
            }
            case Buf.HTTP_HEADER_RAW: {
                ByteBuf b = toServer ? requestHeaderRaw : responseHeaderRaw;
                return b.length() > 0 && slice(out, b);
            }
            case Buf.HTTP_STAT_CODE: return !toServer && slice(out, statCode);
            case Buf.HTTP_STAT_MSG: return !toServer && slice(out, statMsg);
            case Buf.HTTP_RESPONSE_LINE: return !toServer && slice(out, responseLine);
            case Buf.HTTP_SERVER: return !toServer && slice(out, responseHeader("server"));
            case Buf.HTTP_LOCATION: return !toServer && slice(out, responseHeader("location"));
            case Buf.HTTP_RESPONSE_BODY: return !toServer && responseBody.length() > 0 && slice(out, responseBody);
            case Buf.FILE_DATA: {
                ByteBuf b = toServer ? requestBody : responseBody;
                return b.length() > 0 && slice(out, b);
            }
            default:
                return false;
        }
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Suricata's EVE {@code http} object. */
    @Override
    public Map<String, Object> eve() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (host != null) {
            m.put("hostname", str(host));
        }
        if (uriRaw != null) {
            m.put("url", str(uriRaw));
        }
        if (userAgent != null) {
            m.put("http_user_agent", str(userAgent));
        }
        if (requestContentType != null || responseContentType != null) {
            byte[] ct = responseContentType != null ? responseContentType : requestContentType;
            String s = str(ct);
            int semi = s.indexOf(';');
            m.put("http_content_type", (semi >= 0 ? s.substring(0, semi) : s).trim().toLowerCase(Locale.ROOT));
        }
        byte[] ref = requestHeader("referer");
        if (ref != null) {
            m.put("http_refer", str(ref));
        }
        if (method != null) {
            m.put("http_method", str(method));
        }
        if (protocol != null) {
            m.put("protocol", str(protocol));
        } else if (responseProtocol != null) {
            m.put("protocol", str(responseProtocol));
        }
        if (status >= 0) {
            m.put("status", status);
        }
        byte[] loc = responseHeader("location");
        if (loc != null) {
            m.put("redirect", str(loc));
        }
        m.put("length", responseLength);
        return m;
    }
}
