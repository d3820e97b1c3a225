package io.crowsnest.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.DecoderConfig;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.LinkType;
import io.crowsnest.decoders.Packet;
import io.crowsnest.decoders.PacketDecoder;
import io.crowsnest.decoders.checksum.InternetChecksum;
import io.crowsnest.decoders.defrag.DefragConfig;
import io.crowsnest.decoders.defrag.DefragPolicy;
import io.crowsnest.decoders.defrag.HostPolicies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IPv4 and IPv6 fragments with fuzzed offsets, lengths, MF flags, contents and datagram ids, under a
 * fuzzed overlap policy, through {@link PacketDecoder} on real Ethernet frames, against a second,
 * deliberately plain port of Suricata's {@code DefragInsertFrag} / {@code Defrag4Reassemble} (a list
 * of fragment objects, each with its own byte array, no store, no pooling, no compaction).
 *
 * <p>Asserted for every fragment: the same overlap event, the same moment of completion and the same
 * reassembled bytes and length as the plain port; the memory counted stays under the memcap; a
 * rebuilt IPv4 header has a valid checksum and the packet's length is its header's. Once a fragment
 * is ignored for want of store room (the one documented divergence from Suricata) the rest of the
 * input is only checked for the invariants.
 *
 * <p>Input: 2 header bytes (policy; bit 0 of the second: the policy comes from a host-os-policy
 * block holding the destination rather than from the default), then records of 5 bytes — control
 * (bit 7 IPv6, bit 6 MF, bit 5 small offset, bits 0-1 datagram id), offset (2, in 8-byte units),
 * length (2) — each followed by up to that many content bytes.
 */
class DefragmenterFuzzTest {
    static final int SLOT = 65_536 + 256;
    static final byte[] SRC4 = {10, 0, 0, 1}, DST4 = {10, 0, 0, 2};
    static final byte[] SRC6 = new byte[16], DST6 = new byte[16];

    static {
        SRC6[0] = DST6[0] = (byte) 0xfd;
        SRC6[15] = 1;
        DST6[15] = 2;
    }

    @FuzzTest(maxDuration = "5m")
    void fragments(byte[] in) {
        run(in);
    }

    /** Runs one input; returns how many datagrams were reassembled (and matched the plain port while compared). */
    static int run(byte[] in) {
        if (in.length < 2) {
            return 0;
        }
        int reassembled = 0;
        DefragPolicy policy = DefragPolicy.values()[(in[0] & 0xff) % DefragPolicy.values().length];
        DefragConfig cfg = new DefragConfig(DefragConfig.DEFAULT_MEMCAP, 60, 100_000, 64);
        if ((in[1] & 1) != 0) {
            cfg = cfg.withHostPolicies(new HostPolicies.Builder().add("10.0.0.2/32", policy).add("fd00::2/128", policy).build());
        } else {
            cfg = cfg.withPolicy(policy);
        }
        PacketDecoder decoder = new PacketDecoder(DecoderConfig.defaults().withChecksumMode(DecoderConfig.ChecksumMode.NONE), cfg);
        Reference ref = new Reference(policy);
        boolean compare = true;
        int i = 2;
        while (i + 5 <= in.length) {
            int ctl = in[i] & 0xff;
            boolean v6 = (ctl & 0x80) != 0, mf = (ctl & 0x40) != 0;
            int off8 = Bytes.u16(in, i + 1);
            off8 = (ctl & 0x20) != 0 ? off8 % 64 : off8 & 0x1fff;
            int want = Bytes.u16(in, i + 3) % 4096 + 1;
            i += 5;
            int n = Math.min(want, in.length - i);
            byte[] data = Arrays.copyOfRange(in, i, i + n);
            i += n;
            if (v6 && mf) {
                n -= n % 8;
                data = Arrays.copyOf(data, n);
            }
            if (n == 0) {
                continue;
            }
            int id = ctl & 3, off = off8 << 3;
            byte[] frame = v6 ? v6(id, off, mf, data) : v4(id, off, mf, data);
            Packet p = new Packet(SLOT).load(frame, LinkType.ETHERNET);
            p.tsSeconds = 1_700_000_000L;
            decoder.decode(p);
            if (off == 0 && !mf) {
                continue; // not a fragment (for IPv6 an atomic one): no tracker, in Suricata neither
            }

            long memuse = decoder.defragmenter().memuse();
            assertTrue(memuse <= cfg.memcapBytes(), "memuse " + memuse);
            assertTrue(decoder.defragmenter().trackers() <= cfg.maxTrackers());
            if (p.reassembled) {
                assertEquals(p.l3Offset + p.ipTotalLength, p.length, "packet length is the IP header's");
                assertTrue(p.ipTotalLength <= (v6 ? 65_535 + 40 : 65_535));
                if (!v6) {
                    assertEquals(0, InternetChecksum.compute(p.data, p.l3Offset, p.ipHeaderLength), "IPv4 header checksum");
                }
            }
            if ((v6 ? 0 : 20) + off + n > 65_535) {
                assertTrue(p.hasEvent(v6 ? DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE : DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE));
                continue; // refused before any tracker, as in Suricata
            }
            if (p.hasEvent(v6 ? DecoderEvent.IPV6_FRAG_IGNORED : DecoderEvent.IPV4_FRAG_IGNORED)) {
                compare = false; // out of store room: Suricata would have stored it
            }
            if (!compare) {
                continue;
            }
            Reference.Result r = ref.fragment(v6, id, off, mf, data);
            String where = "fragment at byte " + (i - n) + " (" + (v6 ? "v6" : "v4") + " id " + id + " off " + off + " len " + n
                    + (mf ? " MF" : "") + ", " + policy + ")";
            assertEquals(r.overlap, p.hasEvent(v6 ? DecoderEvent.IPV6_FRAG_OVERLAP : DecoderEvent.IPV4_FRAG_OVERLAP),
                    "overlap event, " + where);
            if (r.tooLarge) {
                assertTrue(p.hasEvent(v6 ? DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE : DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE), where);
                continue;
            }
            assertEquals(r.payload != null, p.reassembled, "completion, " + where);
            if (r.payload != null) {
                reassembled++;
                int hdr = v6 ? 40 : p.ipHeaderLength;
                byte[] got = Arrays.copyOfRange(p.data, p.l3Offset + hdr, p.l3Offset + p.ipTotalLength);
                assertArrayEquals(r.payload, got, "reassembled bytes, " + where);
            }
        }
        return reassembled;
    }

    /** The plain port: Suricata's tracker as a list of fragments sorted by (offset, arrival). */
    static final class Reference {
        static final class Frag {
            int offset, len, ltrim;
            boolean more, skip;
            byte[] data; // the data from the fragment's (insert-time) ltrim on: byte k of data is datagram byte offset + k
        }

        static final class Tracker {
            final List<Frag> frags = new ArrayList<>();
            boolean seenLast;
        }

        static final class Result {
            boolean overlap, tooLarge;
            byte[] payload;
        }

        final DefragPolicy policy;
        final Map<Integer, Tracker> trackers = new HashMap<>();

        Reference(DefragPolicy policy) {
            this.policy = policy;
        }

        Result fragment(boolean v6, int id, int fragOffset, boolean moreFrags, byte[] data) {
            Result res = new Result();
            Tracker t = trackers.computeIfAbsent((v6 ? 4 : 0) + id, k -> new Tracker());
            int dataLen = data.length;
            int fragEnd = fragOffset + dataLen;
            int ltrim = 0;
            List<Frag> tree = t.frags;
            if (!tree.isEmpty()) {
                // RB_NFIND(offset - 1) in uint16_t: the first with offset > fragOffset - 1 (none when fragOffset is 0)
                int key = (fragOffset - 1) & 0xffff;
                int nextIdx = -1;
                for (int k = 0; k < tree.size(); k++) {
                    if (tree.get(k).offset > key) {
                        nextIdx = k;
                        break;
                    }
                }
                int prevIdx;
                if (nextIdx < 0) {
                    prevIdx = 0;
                    nextIdx = 1;
                } else {
                    prevIdx = nextIdx - 1;
                    if (prevIdx < 0) {
                        prevIdx = nextIdx;
                        nextIdx = prevIdx + 1;
                    }
                }
                while (prevIdx < tree.size()) {
                    Frag prev = tree.get(prevIdx);
                    Frag next = nextIdx < tree.size() ? tree.get(nextIdx) : null;
                    boolean insert = false;
                    if (!prev.skip) {
                        if (fragOffset < prev.offset + prev.len && prev.offset < fragEnd) {
                            res.overlap = true;
                        }
                        switch (policy) {
                            case BSD:
                                if (fragOffset < prev.offset + prev.len) {
                                    if (prev.offset <= fragOffset) {
                                        int prevEnd = prev.offset + prev.len;
                                        if (prevEnd > fragEnd) {
                                            return res;
                                        }
                                        ltrim = prevEnd - fragOffset;
                                        if (next != null && fragEnd > next.offset) {
                                            next.ltrim = fragEnd - next.offset;
                                        }
                                        insert = true;
                                        break;
                                    }
                                    if (fragOffset <= prev.offset && fragEnd > prev.offset + prev.ltrim) {
                                        int prevLtrim = fragEnd - prev.offset;
                                        if (prevLtrim > prev.ltrim) {
                                            prev.ltrim = prevLtrim;
                                        }
                                    }
                                    if (next != null && fragEnd > next.offset) {
                                        next.ltrim = fragEnd - next.offset;
                                    }
                                    insert = true;
                                }
                                break;
                            case LINUX:
                                if (prev.offset + prev.ltrim < fragOffset + ltrim && prev.offset + prev.len > fragOffset + ltrim) {
                                    ltrim += prev.offset + prev.len - fragOffset;
                                }
                                if (fragOffset + ltrim < prev.offset + prev.ltrim && fragEnd > prev.offset + prev.ltrim) {
                                    prev.ltrim += fragEnd - (prev.offset + prev.ltrim);
                                    insert = true;
                                    break;
                                }
                                if (fragOffset + ltrim <= prev.offset + prev.ltrim && fragEnd >= prev.offset + prev.len) {
                                    prev.skip = true;
                                    insert = true;
                                }
                                break;
                            case WINDOWS:
                                if (fragOffset + ltrim >= prev.offset + ltrim && fragEnd <= prev.offset + prev.len) {
                                    return res;
                                }
                                if (fragOffset + ltrim < prev.offset + ltrim && fragEnd > prev.offset + prev.len) {
                                    prev.skip = true;
                                    insert = true;
                                    break;
                                }
                                if (fragOffset + ltrim > prev.offset + prev.ltrim && fragOffset + ltrim < prev.offset + prev.len) {
                                    ltrim += prev.offset + prev.len - fragOffset;
                                    insert = true;
                                    break;
                                }
                                if (fragOffset + ltrim == prev.offset + ltrim && fragEnd > prev.offset + prev.len) {
                                    ltrim += prev.offset + prev.len - fragOffset;
                                    insert = true;
                                }
                                break;
                            case SOLARIS:
                                if (fragOffset < prev.offset + prev.len) {
                                    if (fragOffset >= prev.offset) {
                                        ltrim = prev.offset + prev.len - fragOffset;
                                    }
                                    if (fragOffset < prev.offset && fragEnd >= prev.offset + prev.len) {
                                        prev.skip = true;
                                    }
                                    insert = true;
                                }
                                break;
                            case FIRST:
                                if (fragOffset >= prev.offset && fragEnd <= prev.offset + prev.len) {
                                    return res;
                                }
                                if (fragOffset < prev.offset) {
                                    insert = true;
                                    break;
                                }
                                if (fragOffset < prev.offset + prev.len) {
                                    ltrim = prev.offset + prev.len - fragOffset;
                                    insert = true;
                                }
                                break;
                            case LAST:
                                if (fragOffset <= prev.offset) {
                                    if (fragEnd > prev.offset) {
                                        prev.ltrim = fragEnd - prev.offset;
                                    }
                                    insert = true;
                                }
                                break;
                            default:
                                break;
                        }
                    }
                    if (insert) {
                        if (prev.skip || prev.ltrim >= prev.len) {
                            tree.remove(prevIdx);
                        }
                        break;
                    }
                    prevIdx = nextIdx;
                    nextIdx++;
                }
            }
            if (ltrim >= dataLen) {
                return res;
            }
            Frag f = new Frag();
            f.offset = fragOffset + ltrim;
            f.len = dataLen - ltrim;
            f.more = moreFrags;
            f.data = Arrays.copyOfRange(data, ltrim, dataLen);
            int at = tree.size();
            while (at > 0 && tree.get(at - 1).offset > f.offset) {
                at--;
            }
            tree.add(at, f);
            if (!moreFrags) {
                t.seenLast = true;
            }
            if (t.seenLast) {
                res.payload = reassemble(v6, id, t, res);
            }
            return res;
        }

        private byte[] reassemble(boolean v6, int id, Tracker t, Result res) {
            List<Frag> tree = t.frags;
            if (tree.get(0).offset != 0) {
                return null;
            }
            int len = 0;
            for (Frag f : tree) {
                if (f.offset > len) {
                    return null;
                }
                len = Math.max(len, f.offset + f.len);
            }
            byte[] out = new byte[2 * 65_536];
            int fragmentableLen = 0;
            boolean seenHeader = false;
            boolean more = true;
            int prevOffset = 0;
            for (Frag f : tree) {
                if (!more && f.offset > prevOffset) {
                    break;
                }
                if (f.skip || f.ltrim >= f.len) {
                    continue;
                }
                if (f.offset == 0) {
                    System.arraycopy(f.data, 0, out, 0, f.len);
                    fragmentableLen = f.len;
                    seenHeader = true;
                } else {
                    System.arraycopy(f.data, f.ltrim, out, f.offset + f.ltrim, f.len - f.ltrim);
                    fragmentableLen = Math.max(fragmentableLen, f.offset + f.len);
                }
                more = f.more;
                prevOffset = f.offset;
            }
            trackers.remove((v6 ? 4 : 0) + id);
            if (!seenHeader) {
                return null; // Crowsnest drops a datagram with no header to build on
            }
            if ((v6 ? 0 : 20) + fragmentableLen > 65_535) {
                res.tooLarge = true;
                return null;
            }
            return Arrays.copyOf(out, fragmentableLen);
        }
    }

    // ---- frames ----------------------------------------------------------------------------------

    static byte[] v4(int id, int off, boolean mf, byte[] data) {
        byte[] f = new byte[14 + 20 + data.length];
        f[12] = 0x08;
        f[14] = 0x45;
        put16(f, 16, 20 + data.length);
        put16(f, 18, id);
        put16(f, 20, (mf ? 0x2000 : 0) | (off >> 3));
        f[22] = 64;
        f[23] = 1;
        System.arraycopy(SRC4, 0, f, 26, 4);
        System.arraycopy(DST4, 0, f, 30, 4);
        put16(f, 24, InternetChecksum.compute(f, 14, 20));
        System.arraycopy(data, 0, f, 34, data.length);
        return f;
    }

    static byte[] v6(int id, int off, boolean mf, byte[] data) {
        byte[] f = new byte[14 + 40 + 8 + data.length];
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        put16(f, 18, 8 + data.length);
        f[20] = 44;
        f[21] = 64;
        System.arraycopy(SRC6, 0, f, 22, 16);
        System.arraycopy(DST6, 0, f, 38, 16);
        f[54] = 58;
        put16(f, 56, off | (mf ? 1 : 0));
        put16(f, 60, id);
        System.arraycopy(data, 0, f, 62, data.length);
        return f;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }
}
