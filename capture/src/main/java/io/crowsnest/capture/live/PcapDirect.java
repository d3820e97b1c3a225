package io.crowsnest.capture.live;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * The two libpcap calls of the capture hot path, bound with JNA <em>direct mapping</em>
 * ({@code Native.register}): a direct-mapped call passes a {@link Pointer} as its address and an
 * {@code int} as is, so a call allocates nothing — unlike pcap4j's interface mapping and its
 * per-packet callbacks. They act on the {@code pcap_t} that pcap4j opened (read from its
 * {@link PcapHandle}), so opening, filters, stats, {@code breakLoop} and closing stay pcap4j's.
 */
final class PcapDirect {
    /** {@code pcap_next_ex}: a packet was read. */
    static final int PACKET = 1;
    /** {@code pcap_next_ex}: the read timeout expired without a packet. */
    static final int TIMEOUT = 0;
    /** {@code PCAP_ERROR_BREAK}: {@code pcap_breakloop} was called. */
    static final int BREAK = -2;

    private static final Field HANDLE;

    static {
        // the same library instance pcap4j uses (it honours the same property)
        String name = System.getProperty("org.pcap4j.core.pcapLibName", Platform.isWindows() ? "wpcap" : "pcap");
        Native.register(PcapDirect.class, NativeLibrary.getInstance(name));
        try {
            HANDLE = PcapHandle.class.getDeclaredField("handle");
            HANDLE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("pcap4j's PcapHandle has no accessible field 'handle' (the live"
                    + " capture is written against pcap4j 1.8.2): " + e);
        }
    }

    private PcapDirect() {
    }

    /**
     * {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **header, const u_char **data)}.
     *
     * @param header address of a pointer-sized cell that receives the header's address
     * @param data   address of a pointer-sized cell that receives the data's address
     */
    static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    /** {@code char *pcap_geterr(pcap_t *p)}: the last error (only read after a failure). */
    static native String pcap_geterr(Pointer p);

    /** The {@code pcap_t *} behind an open pcap4j handle. */
    static Pointer pcapT(PcapHandle handle) {
        try {
            Pointer p = (Pointer) HANDLE.get(handle);
            if (p == null) {
                throw new IllegalStateException("pcap4j handle without a pcap_t");
            }
            return p;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read pcap4j's pcap_t: " + e, e);
        }
    }
}
