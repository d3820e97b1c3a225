package io.crowsnest.applayer.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed DNS message (RFC 1035): header, questions, answer/authority/additional records with rdata of
 * the common types (A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, SRV) rendered as text, and EDNS0 (OPT) facts.
 * Name compression is followed with a hop limit; a malformed message is a {@link Malformed} exception with
 * a named reason, never anything else.
 */
public final class DnsMessage {
    public static final class Malformed extends Exception {
        public Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    public static final class Question {
        public final byte[] name;
        public final int type, cls;

        Question(byte[] name, int type, int cls) {
            this.name = name;
            this.type = type;
            this.cls = cls;
        }
    }

    public static final class Record {
        public final byte[] name;
        public final int type, cls;
        public final long ttl;
        public final String data;

        Record(byte[] name, int type, int cls, long ttl, String data) {
            this.name = name;
            this.type = type;
            this.cls = cls;
            this.ttl = ttl;
            this.data = data;
        }
    }

    public int id, flags, opcode, rcode;
    public boolean response, aa, tc, rd, ra;
    public final List<Question> questions = new ArrayList<>();
    public final List<Record> answers = new ArrayList<>();
    public final List<Record> authorities = new ArrayList<>();
    public final List<Record> additionals = new ArrayList<>();
    /** EDNS0: UDP payload size from the OPT record, -1 when absent. */
    public int ednsUdpSize = -1;
    public int ednsVersion;
    public boolean ednsDo;

    static final int MAX_RECORDS = 256;

    public static DnsMessage parse(byte[] b, int off, int len) throws Malformed {
        if (len < 12) {
            throw new Malformed("dns.malformed_data");
        }
        DnsMessage m = new DnsMessage();
        m.id = u16(b, off);
        m.flags = u16(b, off + 2);
        m.response = (m.flags & 0x8000) != 0;
        m.opcode = (m.flags >> 11) & 0xF;
        m.aa = (m.flags & 0x0400) != 0;
        m.tc = (m.flags & 0x0200) != 0;
        m.rd = (m.flags & 0x0100) != 0;
        m.ra = (m.flags & 0x0080) != 0;
        m.rcode = m.flags & 0xF;
        int qd = u16(b, off + 4), an = u16(b, off + 6), ns = u16(b, off + 8), ar = u16(b, off + 10);
        if (qd + an + ns + ar > MAX_RECORDS * 4) {
            throw new Malformed("dns.too_many_records");
        }
        int[] pos = {off + 12};
        int end = off + len;
        for (int i = 0; i < qd; i++) {
            byte[] name = name(b, off, end, pos);
            need(pos[0] + 4, end);
            m.questions.add(new Question(name, u16(b, pos[0]), u16(b, pos[0] + 2)));
            pos[0] += 4;
        }
        try {
            records(b, off, end, pos, an, m.answers, m);
            records(b, off, end, pos, ns, m.authorities, m);
            records(b, off, end, pos, ar, m.additionals, m);
        } catch (Malformed e) {
            if (m.questions.isEmpty()) {
                throw e;
            }
            // keep what parsed: the questions are what rules look at
        }
        return m;
    }

    private static void records(byte[] b, int base, int end, int[] pos, int n, List<Record> out, DnsMessage m)
            throws Malformed {
        for (int i = 0; i < n; i++) {
            byte[] name = name(b, base, end, pos);
            need(pos[0] + 10, end);
            int type = u16(b, pos[0]), cls = u16(b, pos[0] + 2);
            long ttl = ((long) u16(b, pos[0] + 4) << 16) | u16(b, pos[0] + 6);
            int rdlen = u16(b, pos[0] + 8);
            int rd = pos[0] + 10;
            need(rd + rdlen, end);
            String data = rdata(b, base, end, type, rd, rdlen);
            if (type == 41) {
                m.ednsUdpSize = cls;
                m.ednsVersion = (int) ((ttl >> 16) & 0xFF);
                m.ednsDo = (ttl & 0x8000) != 0;
            }
            if (out.size() < MAX_RECORDS) {
                out.add(new Record(name, type, cls, ttl, data));
            }
            pos[0] = rd + rdlen;
        }
    }

    private static String rdata(byte[] b, int base, int end, int type, int p, int len) throws Malformed {
        int[] q = {p};
        switch (type) {
            case 1:
                return len == 4 ? (b[p] & 0xFF) + "." + (b[p + 1] & 0xFF) + "." + (b[p + 2] & 0xFF) + "." + (b[p + 3] & 0xFF) : null;
            case 28: {
                if (len != 16) {
                    return null;
                }
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < 16; i += 2) {
                    if (i > 0) {
                        s.append(':');
                    }
                    s.append(String.format("%02x%02x", b[p + i] & 0xFF, b[p + i + 1] & 0xFF));
                }
                return s.toString();
            }
            case 2: case 5: case 12:
                return str(name(b, base, end, q));
            case 15:
                q[0] += 2;
                return str(name(b, base, end, q));
            case 33:
                q[0] += 6;
                return str(name(b, base, end, q));
            case 6:
                return str(name(b, base, end, q));
            case 16: {
                StringBuilder s = new StringBuilder();
                int i = p;
                while (i < p + len) {
                    int l = b[i] & 0xFF;
                    if (i + 1 + l > p + len) {
                        break;
                    }
                    s.append(new String(b, i + 1, l, StandardCharsets.ISO_8859_1));
                    i += 1 + l;
                }
                return s.toString();
            }
            default:
                return null;
        }
    }

    private static String str(byte[] n) {
        return new String(n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] name(byte[] b, int base, int end, int[] pos) throws Malformed {
        StringBuilder s = new StringBuilder();
        int p = pos[0];
        int jumps = 0;
        int after = -1;
        while (true) {
            need(p + 1, end);
            int l = b[p] & 0xFF;
            if (l == 0) {
                p++;
                break;
            }
            if ((l & 0xC0) == 0xC0) {
                need(p + 2, end);
                int ptr = ((l & 0x3F) << 8) | (b[p + 1] & 0xFF);
                if (after < 0) {
                    after = p + 2;
                }
                if (++jumps > 32) {
                    throw new Malformed("dns.name_loop");
                }
                p = base + ptr;
                continue;
            }
            if ((l & 0xC0) != 0) {
                throw new Malformed("dns.invalid_label");
            }
            need(p + 1 + l, end);
            if (s.length() > 0) {
                s.append('.');
            }
            s.append(new String(b, p + 1, l, StandardCharsets.ISO_8859_1));
            if (s.length() > 1024) {
                throw new Malformed("dns.name_too_long");
            }
            p += 1 + l;
        }
        pos[0] = after >= 0 ? after : p;
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void need(int p, int end) throws Malformed {
        if (p > end) {
            throw new Malformed("dns.malformed_data");
        }
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    public static String typeName(int t) {
        switch (t) {
            case 1: return "A";
            case 2: return "NS";
            case 5: return "CNAME";
            case 6: return "SOA";
            case 12: return "PTR";
            case 15: return "MX";
            case 16: return "TXT";
            case 28: return "AAAA";
            case 33: return "SRV";
            case 41: return "OPT";
            case 43: return "DS";
            case 46: return "RRSIG";
            case 48: return "DNSKEY";
            case 64: return "SVCB";
            case 65: return "HTTPS";
            case 255: return "ANY";
            default: return "TYPE" + t;
        }
    }

    public static String rcodeName(int r) {
        switch (r) {
            case 0: return "NOERROR";
            case 1: return "FORMERR";
            case 2: return "SERVFAIL";
            case 3: return "NXDOMAIN";
            case 4: return "NOTIMP";
            case 5: return "REFUSED";
            default: return String.valueOf(r);
        }
    }
}
