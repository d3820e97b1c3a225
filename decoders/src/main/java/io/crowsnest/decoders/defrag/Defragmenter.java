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
 * <h2>Overlaps: Suricata's default policy, {@code bsd}</h2>
 * For every byte of the datagram the data comes from the fragment, among those covering it, that
 * was sent with the <em>lowest offset</em>; between fragments sent with the same offset the one
 * that arrived <em>first</em> wins. So a new fragment's bytes that overlap a held fragment are
 * taken from the held one, except where the new fragment starts before it: there the new
 * fragment's bytes replace the held one's. This is the BSD row of Novak's "Target-Based
 * Fragmentation Reassembly" and reproduces Suricata's {@code DefragSturgesNovakBsdTest} byte for
 * byte ({@code DefragmenterTest#sturgesNovakBsd}). Implemented by trimming: bytes of a new fragment
 * already covered by a fragment sent at a lower or equal offset are never stored (an exact
 * duplicate stores nothing); the rest is stored with its original offset as precedence, and the
 * datagram is written lowest-precedence first so that the winners are written last. Like
 * Suricata, any overlap (exact duplicates included) raises {@code decoder.ipv4.frag_overlap} /
 * {@code decoder.ipv6.frag_overlap} on the fragment. The datagram ends where the first fragment
 * without MF ends; bytes of other fragments past that end are ignored, and a later fragment without
 * MF that claims another end is ignored (Suricata also lets the first "last" fragment decide).
 *
 * <h2>What is not taken</h2>
 * A fragment whose IPv4 header checksum was validated and found bad (the host drops it, so it must
 * not shape what we reassemble; Suricata does not validate in the decoder and would take it); a
 * truncated capture of a fragment; an empty one; one that would end past 65,535 bytes
 * ({@code frag_pkt_too_large}); an IPv6 non-last fragment whose length is not a multiple of 8
 * ({@code decoder.ipv6.frag_invalid_length}).
 *
 * <h2>Limits (never unbounded)</h2>
 * Timeouts run by packet time: a datagram whose last fragment is older than the timeout is dropped
 * ({@code defrag.ipv4.timeouts}). {@code maxTrackers} datagrams at most: one more drops the least
 * recently used ({@code defrag.max_trackers_reached}). Memory — store buffers in use or pooled and
 * tracker bookkeeping — stays under the memcap: to make room, pooled buffers are let go, then the
 * least recently used datagram is dropped ({@code defrag.memcap_reached}); a fragment that still
 * does not fit is dropped ({@code frag_ignored}). {@code maxFragments} fragments per datagram: one
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

    // coverage check scratch, sized to maxFragments on first use
    private int[] scratchStart, scratchEnd;

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
        if (off == 0 && t.hdrPos < 0 && tiny(p, v4, dataOff, dataEnd)) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_TINY_FRAGMENT : DecoderEvent.IPV6_TINY_FRAGMENT);
        }

        // BSD: bytes covered by a fragment sent at a lower or equal offset are that fragment's.
        boolean overlap = false;
        int shadowEnd = off;
        for (int i = 0; i < t.count; i++) {
            if (t.rank[i] < fragEnd && off < t.end[i]) {
                overlap = true;
            }
            if (t.rank[i] <= off && t.end[i] > shadowEnd) {
                shadowEnd = t.end[i];
            }
        }
        if (overlap) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_OVERLAP : DecoderEvent.IPV6_FRAG_OVERLAP);
        }
        if (!more) {
            if (t.lastEnd < 0) {
                t.lastEnd = fragEnd;
            } else if (t.lastEnd != fragEnd) {
                p.fragmentHeld = true; // a second "last" fragment: swallowed, the first one decided
                return false;
            }
        }
        if (shadowEnd < fragEnd) {
            boolean header = off == 0 && t.hdrPos < 0;
            int hdrLen = header ? dataOff - l3 - (v4 ? 0 : 8) : 0;
            int need = hdrLen + (fragEnd - shadowEnd);
            if (!ensureStore(t, need) || !ensureSlots(t)) {
                ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_IGNORED : DecoderEvent.IPV6_FRAG_IGNORED);
                return false;
            }
            if (header) {
                storeHeader(t, p, v4, hdrLen);
            }
            int from = dataOff + (shadowEnd - off);
            int n = fragEnd - shadowEnd;
            System.arraycopy(d, from, t.store, t.storeUsed, n);
            t.insert(off, shadowEnd, fragEnd, t.storeUsed);
            t.storeUsed += n;
        }
        p.fragmentHeld = true;
        if (t.lastEnd >= 0 && t.hdrPos >= 0 && complete(t)) {
            return rebuild(p, t, v4);
        }
        return false;
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

    /** Copies the first fragment's IP header (IPv6: without the fragment header) into the store. */
    private static void storeHeader(DefragTracker t, Packet p, boolean v4, int hdrLen) {
        byte[] d = p.data;
        int l3 = p.l3Offset;
        System.arraycopy(d, l3, t.store, t.storeUsed, hdrLen);
        t.hdrPos = t.storeUsed;
        t.hdrLen = hdrLen;
        t.storeUsed += hdrLen;
        if (!v4) {
            // find the next-header byte that names the fragment header: it will name what follows it
            int fh = p.fragHeaderOffset;
            int nhOff = l3 + 6;
            int cur = l3 + IPV6_HEADER;
            while (cur < fh) {
                int type = d[nhOff] & 0xff;
                int len = type == 51 ? ((d[cur + 1] & 0xff) + 2) << 2 : ((d[cur + 1] & 0xff) + 1) << 3;
                nhOff = cur;
                cur += len;
            }
            t.nhFix = nhOff - l3;
            t.nextHeader = d[fh] & 0xff;
        }
    }

    /** True when the stored fragments cover [0, lastEnd). */
    private boolean complete(DefragTracker t) {
        int n = t.count;
        if (scratchStart == null || scratchStart.length < n) {
            scratchStart = new int[Math.max(n, config.maxFragments())];
            scratchEnd = new int[scratchStart.length];
        }
        int[] s = scratchStart;
        int[] e = scratchEnd;
        for (int i = 0; i < n; i++) { // insertion sort by start: n <= maxFragments, run once per "last" fragment
            int a = t.start[i];
            int b = t.end[i];
            int j = i;
            while (j > 0 && s[j - 1] > a) {
                s[j] = s[j - 1];
                e[j] = e[j - 1];
                j--;
            }
            s[j] = a;
            e[j] = b;
        }
        int covered = 0;
        for (int i = 0; i < n && covered < t.lastEnd; i++) {
            if (s[i] > covered) {
                return false;
            }
            covered = Math.max(covered, e[i]);
        }
        return covered >= t.lastEnd;
    }

    /** Writes the datagram into {@code p} from its IP header on, fixes the header, decodes it again. */
    private boolean rebuild(Packet p, DefragTracker t, boolean v4) {
        byte[] d = p.data;
        int l3 = p.l3Offset;
        int total = t.hdrLen + t.lastEnd;
        if ((v4 ? total : total - IPV6_HEADER) > IPV4_MAX || l3 + total > d.length) {
            ctx.event(p, v4 ? DecoderEvent.IPV4_FRAG_PKT_TOO_LARGE : DecoderEvent.IPV6_FRAG_PKT_TOO_LARGE);
            drop(t);
            return false;
        }
        System.arraycopy(t.store, t.hdrPos, d, l3, t.hdrLen);
        int payload = l3 + t.hdrLen;
        // lowest precedence first: the fragment sent at the lowest offset (first arrived) is written last
        for (int i = t.count - 1; i >= 0; i--) {
            int s = t.start[i];
            int e = Math.min(t.end[i], t.lastEnd);
            if (s < e) {
                System.arraycopy(t.store, t.pos[i], d, payload + s, e - s);
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
            putU16(d, l3 + 4, total - IPV6_HEADER);
            d[l3 + t.nhFix] = (byte) t.nextHeader;
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
            return false; // more than a datagram's worth of overlapping bytes: not stored
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
