package io.crowsnest.decoders.defrag;

import io.crowsnest.decoders.Bytes;
import io.crowsnest.decoders.ChecksumState;
import io.crowsnest.decoders.DecodeContext;
import io.crowsnest.decoders.DecoderEvent;
import io.crowsnest.decoders.Packet;

/**
 * IPv4 and IPv6 defragmentation in the decode stage (Suricata's {@code defrag.c}): fragments are
 * held per datagram and, when the last missing one arrives, the slot that carries it is rewritten
 * in place with the whole datagram and decoded again, so L4, ports and the flow hash are the
 * datagram's. One per decoding thread ({@link io.crowsnest.decoders.PacketDecoder}); not thread-safe.
 *
 * <h2>Key</h2>
 * Source and destination address, IP identification, protocol (IPv4 protocol; IPv6: the fragment
 * header's next header), IP version, and, as for flows, the first VLAN id and the tunnel id.
 *
 * <h2>Overlaps: Suricata's policies</h2>
 * Each datagram gets an overlap policy when its first fragment arrives: the one of the most
 * specific {@link HostPolicies host-policy} block holding its destination, else the configured
 * default ({@code bsd}, as Suricata). The policies — first, last, bsd, bsd-right, linux, windows,
 * solaris — are applied as Suricata's {@code DefragInsertFrag} (7.x, after its 2024 overlap fixes)
 * applies them, rule for rule and quirk for quirk, so that Crowsnest sees the datagram Suricata
 * sees: fragments are held sorted by (offset, arrival); a new fragment is checked against the held
 * ones from the last that starts before it; the policy may drop the new fragment, trim its front,
 * hide the front of a held one ({@code ltrim}) or remove a held one it replaces; when the datagram
 * is complete the held fragments are copied in order, each over those before it
 * ({@link #rebuild}). {@code bsd-right} has no rule in Suricata (it is mapped but never
 * implemented): nothing is trimmed, later offsets overwrite. Suricata's unit tests, the
 * Sturges–Novak tests for every policy among them, are ported in {@code SuricataDefragTest}. Any
 * overlap with a held fragment the walk looks at raises {@code decoder.ipv4.frag_overlap} /
 * {@code decoder.ipv6.frag_overlap} on the fragment, as in Suricata (exact duplicates included).
 * As there, a fragment without MF marks the datagram as seen-last; it is rebuilt once the held
 * fragments start at 0 and have no hole, and ends with the first fragment without MF (fragments at
 * that same offset included).
 *
 * <h2>What is not taken</h2>
 * A fragment whose IPv4 header checksum was validated and found bad (the host drops it, so it must
 * not shape what we reassemble; Suricata does not validate in the decoder and would take it); a
 * truncated capture of a fragment; an empty one; one that would end past 65,535 bytes
 * ({@code frag_pkt_too_large}); an IPv6 non-last fragment whose length is not a multiple of 8
 * ({@code decoder.ipv6.frag_invalid_length}). When the policy hid every fragment at offset 0 there
 * is no header to rebuild on and the datagram is dropped (Suricata would emit a packet without one).
 *
 * <h2>Limits (never unbounded)</h2>
 * Timeouts run by packet time: a datagram whose last fragment is older than the timeout is dropped
 * ({@code defrag.ipv4.timeouts}). {@code maxTrackers} datagrams at most: one more drops the least
 * recently used ({@code defrag.max_trackers_reached}). Memory — store buffers in use or pooled and
 * tracker bookkeeping — stays under the memcap: to make room, pooled buffers are let go, then the
 * least recently used datagram is dropped ({@code defrag.memcap_reached}); a fragment that still
 * does not fit is dropped ({@code frag_ignored}). A datagram's held bytes live in one store buffer
 * of at most 128 KiB: when it is full, the bytes of fragments the policy removed are compacted
 * away; if the held fragments still overlap by more than that, the new fragment is dropped
 * ({@code frag_ignored}; Suricata, storing each fragment apart, would take it while under its
 * memcap). {@code maxFragments} fragments per datagram: one
 * more drops the datagram ({@code defrag.too_many_fragments}). A first fragment too short for the
 * transport header raises {@code defrag.ipv4.tiny_fragment} (not in Suricata) and is still used.
 *
 * <h2>Allocation</h2>
 * Nothing is allocated for packets that are not fragments (a timeout check is one comparison).
 * For fragments, trackers and store buffers are pooled and reused: a steady stream of fragmented
 * datagrams allocates nothing once the pools are warm. New objects are made only while the pools
 * are short (a new tracker, a buffer of a size class not pooled yet, metadata arrays grown past 8
 * fragments), all counted against the memcap. The hash table is allocated on the first fragment.
 */
public final class Defragmenter {
    private static final int IPV4_MAX = 65_535;
    private static final int IPV6_HEADER = 40;

    private final DefragConfig config;
    private final DecodeContext ctx;
    private final long timeoutNanos;
    private final BufferPool buffers = new BufferPool();

    /** Hash buckets, chained through {@link DefragTracker#hashNext}; allocated on the first fragment. */
    private DefragTracker[] buckets;
    private int mask;
    /** Least recently used first; a tracker moves to the tail on each fragment it takes. */
    private DefragTracker lruHead, lruTail;
    /** Trackers not in use, chained through {@link DefragTracker#hashNext}. */
    private DefragTracker freeList;
    private int trackersCreated;
    private int trackersInUse;
    /** Tracker bookkeeping bytes (objects and metadata arrays) counted against the memcap. */
    private long trackerBytes;

    /** Store compaction scratch (fragment indices), sized to maxFragments on first use. */
    private int[] scratchOrder;

    public Defragmenter(DefragConfig config, DecodeContext ctx) {
        this.config = config;
        this.ctx = ctx;
        this.timeoutNanos = config.timeoutSeconds() * 1_000_000_000L;
    }

    public DefragConfig config() {
        return config;
    }

    /** Datagrams under reassembly. */
    public int trackers() {
        return trackersInUse;
    }

    /** Bytes counted against the memcap: store buffers (in use and pooled) and tracker bookkeeping. */
    public long memuse() {
        return buffers.bytes() + trackerBytes;
    }

    /**
     * Housekeeping for a packet that is not a fragment: drops datagrams that timed out. One
     * comparison when none is held.
     */
    public void tick(long nowNanos) {
        if (lruHead != null) {
            expire(nowNanos);
        }
    }

    /**
     * Takes the fragment {@code p} (decoded: {@link Packet#fragment} set). Returns true when it
     * completed its datagram: {@code p} now carries the whole datagram, decoded again, with
     * {@link Packet#reassembled} set. Otherwise, when it was stored, {@link Packet#fragmentHeld} is set.
     */
    public boolean fragment(Packet p) {
        long now = p.tsSeconds * 1_000_000_000L + p.tsNanos;
        expire(now);
        boolean v4 = p.ipVersion == 4;
        ctx.count(v4 ? DecoderEvent.DEFRAG_IPV4_FRAGMENTS : DecoderEvent.DEFRAG_IPV6_FRAGMENTS);
        if (p.ipChecksum == ChecksumState.BAD || p.l4Checksum == ChecksumState.BAD) {
            return false; // the host drops it (an outer UDP checksum counts too, for a tunnelled fragment)
        }
        byte[] d = p.data;
        int l3 = p.l3Offset;
        int dataOff;
        int proto;
        if (v4) {
            dataOff = l3 + p.ipHeaderLength;
            proto = p.ipProto;
        } else {
            int fh = p.fragHeaderOffset;
            if (fh <= l3) {
                return false;
            }
            dataOff = fh + 8;
            proto = d[fh] & 0xff;
        }
        int dataEnd = l3 + p.ipTotalLength;
        if (dataEnd > p.length || dataEnd > d.length || dataEnd <= dataOff) {
            return false; // truncated capture (the decoder raised trunc_pkt) or no data
        }
        int len = dataEnd - dataOff;
        int off = p.fragOffset;
        boolean more = (p.ipFlags & 1) != 0;
        if ((v4 ? 20 : 0) + off + len > IPV4_MAX) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE : DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE);
            return false;
        }
        if (!v4 && more && (len & 7) != 0) {
            ctx.event(p, DecoderEvent.IPV6_FRAG_INVALID_LENGTH);
            return false;
        }

        int vlan = p.vlanCount > 0 ? p.vlanIds[0] : 0;
        int hash = hash(p, proto, vlan);
        DefragTracker t = find(p, proto, vlan, hash);
        if (t == null) {
            t = newTracker(p, proto, vlan, hash);
            if (t == null) {
                ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_IGNORED : DecoderEvent.IPV6_FRAG_IGNORED);
                return false;
            }
        }
        touch(t, now);
        if (++t.received > config.maxFragments()) {
            ctx.event(p, DecoderEvent.DEFRAG_TOO_MANY_FRAGMENTS);
            drop(t);
            return false;
        }
        int fragEnd = off + len;
        if (off == 0 && (t.count == 0 || t.off[0] != 0) && tiny(p, v4, dataOff, dataEnd)) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_TINY_FRAGMENT : DecoderEvent.IPV6_TINY_FRAGMENT);
        }

        overlapSeen = false;
        int ltrim = t.count == 0 ? 0 : overlaps(t, off, fragEnd);
        if (overlapSeen) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_OVERLAP : DecoderEvent.IPV6_FRAG_OVERLAP);
        }
        if (ltrim < 0 || ltrim >= len) {
            p.fragmentHeld = true;
            return false; // the policy keeps the held bytes: nothing of this fragment is used
        }
        int hdrLen = off == 0 && ltrim == 0 ? (v4 ? dataOff - l3 : dataOff - 8 - l3) : 0;
        int n = len - ltrim;
        if (!ensureStore(t, hdrLen + n) || !ensureSlots(t)) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_IGNORED : DecoderEvent.IPV6_FRAG_IGNORED);
            return false;
        }
        p.fragmentHeld = true;
        int hdrPos = -1;
        if (hdrLen > 0) {
            hdrPos = storeHeader(t, p, v4, hdrLen);
        }
        System.arraycopy(d, dataOff + ltrim, t.store, t.storeUsed, n);
        t.insert(off + ltrim, n, more, t.storeUsed, hdrPos, hdrLen);
        t.storeUsed += n;
        if (!more) {
            t.seenLast = true;
        }
        if (t.seenLast) {
            return rebuild(p, t, v4);
        }
        return false;
    }

    /** Set by {@link #overlaps}: the new fragment overlapped a held one (Suricata's {@code overlap}). */
    private boolean overlapSeen;

    /**
     * Suricata's {@code DefragInsertFrag} overlap walk, rule for rule, for a new fragment
     * [{@code fo}, {@code fe}) against the held ones under the tracker's policy. It may hide the
     * front of held fragments (their {@code ltrim}) or remove one that the new fragment replaces.
     * Returns how many leading bytes of the new fragment to drop, or -1 to drop it whole.
     *
     * <p>As in Suricata the walk starts at the last held fragment that starts before {@code fo}
     * (or at the first held fragment when none starts at or after {@code fo}) and stops at the
     * first held fragment the policy acts on; the overlap event looks only at those visited.
     */
    private int overlaps(DefragTracker t, int fo, int fe) {
        int ltrim = 0;
        int[] off = t.off;
        int[] len = t.len;
        int[] lt = t.ltrim;
        int pi = t.firstAtOrAfter(fo);
        if (pi == t.count) {
            pi = 0;
        } else if (pi > 0) {
            pi--;
        }
        DefragPolicy policy = t.policy;
        for (; pi < t.count; pi++) {
            int ni = pi + 1 < t.count ? pi + 1 : -1;
            int po = off[pi];
            int pe = po + len[pi];
            if (fo < pe && po < fe) {
                overlapSeen = true;
            }
            boolean insert = false;
            boolean skipPrev = false;
            switch (policy) {
                case BSD:
                    if (fo < pe) {
                        if (po <= fo) {
                            if (pe > fe) {
                                return -1; // inside the held one: it is preferred
                            }
                            ltrim = pe - fo;
                            if (ni >= 0 && fe > off[ni]) {
                                lt[ni] = fe - off[ni];
                            }
                            insert = true;
                            break;
                        }
                        // starts before the held one: its front gives way (DefragBsdSubsequentOverlapsStartOfOriginal)
                        if (fo <= po && fe > po + lt[pi]) {
                            int prevLtrim = fe - po;
                            if (prevLtrim > lt[pi]) {
                                lt[pi] = prevLtrim;
                            }
                        }
                        if (ni >= 0 && fe > off[ni]) {
                            lt[ni] = fe - off[ni];
                        }
                        insert = true;
                    }
                    break;
                case LINUX:
                    if (po + lt[pi] < fo + ltrim && pe > fo + ltrim) {
                        ltrim += pe - fo; // Suricata adds to, not sets, the trim
                    }
                    if (fo + ltrim < po + lt[pi] && fe > po + lt[pi]) {
                        lt[pi] += fe - (po + lt[pi]);
                        insert = true;
                    } else if (fo + ltrim <= po + lt[pi] && fe >= pe) {
                        skipPrev = true;
                        insert = true;
                    }
                    break;
                case WINDOWS:
                    if (fo + ltrim >= po + ltrim && fe <= pe) {
                        return -1;
                    }
                    if (fo + ltrim < po + ltrim && fe > pe) {
                        skipPrev = true;
                        insert = true;
                    } else if (fo + ltrim > po + lt[pi] && fo + ltrim < pe) {
                        ltrim += pe - fo;
                        insert = true;
                    } else if (fo + ltrim == po + ltrim && fe > pe) {
                        ltrim += pe - fo;
                        insert = true;
                    }
                    break;
                case SOLARIS:
                    if (fo < pe) {
                        if (fo >= po) {
                            ltrim = pe - fo;
                        }
                        if (fo < po && fe >= pe) {
                            skipPrev = true;
                        }
                        insert = true;
                    }
                    break;
                case FIRST:
                    if (fo >= po && fe <= pe) {
                        return -1;
                    }
                    if (fo < po) {
                        insert = true;
                    } else if (fo < pe) {
                        ltrim = pe - fo;
                        insert = true;
                    }
                    break;
                case LAST:
                    if (fo <= po) {
                        if (fe > po) {
                            lt[pi] = fe - po;
                        }
                        insert = true;
                    }
                    break;
                default: // BSD_RIGHT: Suricata has no rule; every fragment is kept whole
                    break;
            }
            if (insert) {
                if (skipPrev || lt[pi] >= len[pi]) {
                    t.remove(pi); // wholly replaced: forgotten now, as Suricata returns it to the pool
                }
                break;
            }
        }
        return ltrim;
    }

    /** The first fragment lacks (part of) the transport header: RFC 1858 / RFC 7112. */
    private static boolean tiny(Packet p, boolean v4, int dataOff, int dataEnd) {
        int l4 = dataOff;
        int proto = p.ipProto;
        if (!v4) {
            // the decoder walked the extension headers after the fragment header as far as it could
            l4 = p.l3Offset + p.ipHeaderLength;
            if (l4 > dataEnd) {
                return true;
            }
        }
        int need;
        switch (proto) {
            case 6:
                need = 20;
                break;
            case 17:
            case 1:
            case 58:
                need = 8;
                break;
            default:
                return !v4 && (proto == 0 || proto == 43 || proto == 60 || proto == 44 || proto == 51);
        }
        return dataEnd - l4 < need;
    }

    /**
     * Copies an offset-0 fragment's IP header (IPv6: with the unfragmentable part, without the
     * fragment header) into the store and returns where. IPv6: the next-header byte that named the
     * fragment header is set, in the copy, to what followed it (Suricata patches its copy the same way).
     */
    private static int storeHeader(DefragTracker t, Packet p, boolean v4, int hdrLen) {
        byte[] d = p.data;
        int l3 = p.l3Offset;
        int at = t.storeUsed;
        System.arraycopy(d, l3, t.store, at, hdrLen);
        t.storeUsed += hdrLen;
        if (!v4) {
            int fh = p.fragHeaderOffset;
            int nhOff = l3 + 6;
            int cur = l3 + IPV6_HEADER;
            while (cur < fh) {
                int type = d[nhOff] & 0xff;
                int len = type == 51 ? ((d[cur + 1] & 0xff) + 2) << 2 : ((d[cur + 1] & 0xff) + 1) << 3;
                nhOff = cur;
                cur += len;
            }
            t.store[at + nhOff - l3] = d[fh];
        }
        return at;
    }

    /**
     * Suricata's {@code Defrag4Reassemble}/{@code Defrag6Reassemble}: when the fragment at offset 0
     * is held and the held fragments leave no hole, writes the datagram into {@code p} from its IP
     * header on, fixes the header and decodes it again. Fragments are copied in (offset, arrival)
     * order, each over the ones before it, skipping bytes hidden by ltrim (except at offset 0); the
     * copy stops after the first fragment without MF, but takes further fragments at that same
     * offset (DefragBsdFragmentAfterNoMf).
     */
    private boolean rebuild(Packet p, DefragTracker t, boolean v4) {
        int n = t.count;
        int[] off = t.off;
        int[] len = t.len;
        int[] lt = t.ltrim;
        if (n == 0 || off[0] != 0) {
            return false;
        }
        int have = 0;
        for (int i = 0; i < n; i++) {
            if (off[i] > have) {
                return false; // a hole
            }
            have = Math.max(have, off[i] + len[i]);
        }
        byte[] d = p.data;
        int l3 = p.l3Offset;
        // which fragments are copied: the header is the last offset-0 one's
        int end = n;
        int hdrIdx = -1;
        int fragLen = 0;
        boolean mf = true;
        int prevOff = 0;
        int written = 0; // the copies, in order, write [0, written) without a gap until gap is set
        boolean gap = false;
        for (int i = 0; i < n; i++) {
            if (!mf && off[i] > prevOff) {
                end = i;
                break;
            }
            if (lt[i] >= len[i]) {
                continue;
            }
            if (off[i] == 0) {
                gap |= hdrIdx >= 0 && t.hdrLen[i] != t.hdrLen[hdrIdx]; // another header length moves the payload
                hdrIdx = i;
                fragLen = len[i];
            } else {
                fragLen = Math.max(fragLen, off[i] + len[i]);
                gap |= off[i] + lt[i] > written;
            }
            written = Math.max(written, off[i] + len[i]);
            mf = t.more[i] != 0;
            prevOff = off[i];
        }
        if (hdrIdx < 0) {
            drop(t); // every offset-0 fragment hidden: no header to build on (Suricata would emit a headerless packet)
            return false;
        }
        int total = t.hdrLen[hdrIdx] + fragLen;
        if ((v4 ? total : total - IPV6_HEADER) > IPV4_MAX || l3 + total > d.length || !fits(t, end, l3, d.length)) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE : DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE);
            drop(t);
            return false;
        }
        if (gap) { // bytes no copy writes (only after Suricata's quirkier trims) read as 0, not as what the slot held
            java.util.Arrays.fill(d, l3 + t.hdrLen[hdrIdx], l3 + total, (byte) 0);
        }
        int payload = l3;
        for (int i = 0; i < end; i++) {
            if (lt[i] >= len[i]) {
                continue;
            }
            if (off[i] == 0) {
                System.arraycopy(t.store, t.hdr[i], d, l3, t.hdrLen[i]);
                payload = l3 + t.hdrLen[i];
                System.arraycopy(t.store, t.pos[i], d, payload, len[i]);
            } else {
                System.arraycopy(t.store, t.pos[i] + lt[i], d, payload + off[i] + lt[i], len[i] - lt[i]);
            }
        }
        if (v4) {
            int oldLen = Bytes.u16(d, l3 + 2);
            int oldFrag = Bytes.u16(d, l3 + 6);
            putU16(d, l3 + 2, total);
            putU16(d, l3 + 6, 0); // as Suricata: flags and offset cleared
            // RFC 1624 incremental update, so a header that was valid stays valid (Suricata's FixChecksum)
            int sum = (~Bytes.u16(d, l3 + 10) & 0xffff) + (~oldLen & 0xffff) + total + (~oldFrag & 0xffff);
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            putU16(d, l3 + 10, ~sum & 0xffff);
        } else {
            putU16(d, l3 + 4, total - IPV6_HEADER); // the next header was set in the stored header copy
        }
        int version = v4 ? 4 : 6;
        drop(t);
        p.length = l3 + total;
        p.wireLength = p.length;
        ctx.count(v4 ? DecoderEvent.DEFRAG_IPV4_REASSEMBLED : DecoderEvent.DEFRAG_IPV6_REASSEMBLED);
        ctx.redecodeIp(p, version, l3, p.length);
        p.fragmentHeld = false;
        p.reassembled = true;
        return true;
    }

    /** Every copy of the first {@code end} fragments stays inside a slot of {@code cap} bytes. */
    private static boolean fits(DefragTracker t, int end, int l3, int cap) {
        int payload = l3;
        for (int i = 0; i < end; i++) {
            if (t.off[i] == 0) {
                payload = l3 + t.hdrLen[i];
            }
            if (payload + t.off[i] + t.len[i] > cap) {
                return false;
            }
        }
        return true;
    }

    private static void putU16(byte[] d, int o, int v) {
        d[o] = (byte) (v >>> 8);
        d[o + 1] = (byte) v;
    }

    // ---- table ---------------------------------------------------------------------------------

    private static int hash(Packet p, int proto, int vlan) {
        long h = p.srcHi * 0x9E37_79B9_7F4A_7C15L ^ p.srcLo;
        h = mix(h) ^ p.dstHi * 0xC2B2_AE3D_27D4_EB4FL ^ p.dstLo;
        h = mix(h) ^ ((long) p.ipId << 32 | (long) proto << 24 | (long) p.ipVersion << 20 | (vlan & 0xfffL) << 8);
        h = mix(h) ^ p.tunnelId;
        h = mix(h);
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51_afd7_ed55_8ccdL;
        k ^= k >>> 33;
        return k;
    }

    private DefragTracker find(Packet p, int proto, int vlan, int hash) {
        if (buckets == null) {
            return null;
        }
        for (DefragTracker t = buckets[hash & mask]; t != null; t = t.hashNext) {
            if (t.hash == hash && t.ipId == p.ipId && t.proto == proto && t.version == p.ipVersion
                    && t.vlanId == vlan && t.tunnelId == p.tunnelId
                    && t.srcLo == p.srcLo && t.dstLo == p.dstLo && t.srcHi == p.srcHi && t.dstHi == p.dstHi) {
                return t;
            }
        }
        return null;
    }

    private DefragTracker newTracker(Packet p, int proto, int vlan, int hash) {
        if (buckets == null) {
            int n = Integer.highestOneBit(Math.max(16, config.maxTrackers() - 1)) << 1;
            buckets = new DefragTracker[Math.min(n, 1 << 20)];
            mask = buckets.length - 1;
        }
        DefragTracker t = freeList;
        if (t != null) {
            freeList = t.hashNext;
            t.hashNext = null;
        } else if (trackersCreated < config.maxTrackers()) {
            long bytes = DefragTracker.BASE_BYTES + DefragTracker.arrayBytes(DefragTracker.INITIAL_FRAGMENTS);
            if (!reserve(bytes, null)) {
                return null;
            }
            trackerBytes += bytes;
            trackersCreated++;
            t = new DefragTracker();
        } else {
            // the cap: the least recently used datagram makes way
            ctx.count(DecoderEvent.DEFRAG_MAX_TRACKERS_REACHED);
            drop(lruHead);
            t = freeList;
            freeList = t.hashNext;
            t.hashNext = null;
        }
        t.version = p.ipVersion;
        t.srcHi = p.srcHi;
        t.srcLo = p.srcLo;
        t.dstHi = p.dstHi;
        t.dstLo = p.dstLo;
        t.ipId = p.ipId;
        t.proto = proto;
        t.vlanId = vlan;
        t.tunnelId = p.tunnelId;
        t.hash = hash;
        t.policy = config.hostPolicies().forDestination(p, config.policy());
        t.inUse = true;
        int b = hash & mask;
        t.hashNext = buckets[b];
        buckets[b] = t;
        trackersInUse++;
        return t;
    }

    /** Moves {@code t} to the tail of the LRU list (appends it when new). */
    private void touch(DefragTracker t, long now) {
        t.lastSeenNanos = now;
        if (t == lruTail) {
            return;
        }
        if (t.lruPrev != null || t == lruHead) {
            unlinkLru(t);
        }
        t.lruPrev = lruTail;
        t.lruNext = null;
        if (lruTail != null) {
            lruTail.lruNext = t;
        } else {
            lruHead = t;
        }
        lruTail = t;
    }

    private void unlinkLru(DefragTracker t) {
        if (t.lruPrev != null) {
            t.lruPrev.lruNext = t.lruNext;
        } else {
            lruHead = t.lruNext;
        }
        if (t.lruNext != null) {
            t.lruNext.lruPrev = t.lruPrev;
        } else {
            lruTail = t.lruPrev;
        }
        t.lruPrev = t.lruNext = null;
    }

    private void expire(long now) {
        while (lruHead != null && now - lruHead.lastSeenNanos > timeoutNanos) {
            ctx.count(lruHead.version == 4 ? DecoderEvent.DEFRAG_IPV4_TIMEOUTS : DecoderEvent.DEFRAG_IPV6_TIMEOUTS);
            drop(lruHead);
        }
    }

    /** Forgets the datagram: out of the table and the LRU list, store back to the pool, tracker to the free list. */
    private void drop(DefragTracker t) {
        int b = t.hash & mask;
        DefragTracker prev = null;
        for (DefragTracker c = buckets[b]; c != null; prev = c, c = c.hashNext) {
            if (c == t) {
                if (prev == null) {
                    buckets[b] = c.hashNext;
                } else {
                    prev.hashNext = c.hashNext;
                }
                break;
            }
        }
        unlinkLru(t);
        if (t.store != null) {
            buffers.release(t.store);
        }
        t.reset();
        t.hashNext = freeList;
        freeList = t;
        trackersInUse--;
    }

    // ---- memory --------------------------------------------------------------------------------

    /**
     * Makes room for {@code bytes} more under the memcap: lets pooled buffers go, then drops the
     * least recently used datagrams other than {@code keep}. False when even that is not enough.
     */
    private boolean reserve(long bytes, DefragTracker keep) {
        while (memuse() + bytes > config.memcapBytes()) {
            if (buffers.discardOne()) {
                continue;
            }
            DefragTracker victim = lruHead == keep ? (keep == null ? null : keep.lruNext) : lruHead;
            if (victim == null) {
                return false;
            }
            ctx.count(DecoderEvent.DEFRAG_MEMCAP_REACHED);
            drop(victim);
        }
        return true;
    }

    /** Room in the tracker's store for {@code need} more bytes (a bigger pooled buffer when full). */
    private boolean ensureStore(DefragTracker t, int need) {
        int want = t.storeUsed + need;
        if (t.store != null && want <= t.store.length) {
            return true;
        }
        int size = BufferPool.classSize(want);
        if (size < 0) {
            compact(t); // the bytes of fragments the policy removed go
            want = t.storeUsed + need;
            if (want <= t.store.length) {
                return true;
            }
            return false; // the held fragments overlap by more than a buffer's worth: not stored
        }
        byte[] b = buffers.poll(size);
        if (b == null) {
            if (!reserve(size, t)) {
                return false;
            }
            b = buffers.poll(size); // an evicted datagram may have left one of this size
            if (b == null) {
                b = buffers.allocate(size);
            }
        }
        if (t.store != null) {
            System.arraycopy(t.store, 0, b, 0, t.storeUsed);
            buffers.release(t.store);
        }
        t.store = b;
        return true;
    }

    /**
     * Moves the bytes the held fragments still use (header copies and data) to the front of the
     * store, in store order, dropping those of removed fragments. Once per full buffer at most.
     */
    private void compact(DefragTracker t) {
        int n = t.count;
        if (scratchOrder == null || scratchOrder.length < n) {
            scratchOrder = new int[Math.max(n, config.maxFragments())];
        }
        int[] order = scratchOrder;
        for (int i = 0; i < n; i++) { // insertion sort by store position; n <= maxFragments
            int s = t.liveStart(i);
            int j = i;
            while (j > 0 && t.liveStart(order[j - 1]) > s) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        int to = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            int from = t.liveStart(i);
            int bytes = t.liveEnd(i) - from;
            System.arraycopy(t.store, from, t.store, to, bytes); // to <= from: a safe overlapping move
            int delta = from - to;
            if (t.hdr[i] >= 0) {
                t.hdr[i] -= delta;
            }
            t.pos[i] -= delta;
            to += bytes;
        }
        t.storeUsed = to;
    }

    /** Room for one more fragment's metadata (arrays doubled up to maxFragments, counted). */
    private boolean ensureSlots(DefragTracker t) {
        if (t.count < t.capacity()) {
            return true;
        }
        int cap = Math.min(t.capacity() * 2, Math.max(config.maxFragments(), t.capacity() + 1));
        long delta = DefragTracker.arrayBytes(cap) - DefragTracker.arrayBytes(t.capacity());
        if (!reserve(delta, t)) {
            return false;
        }
        trackerBytes += delta;
        t.grow(cap);
        return true;
    }
}
