package io.crowsnest.applayer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteBufTest {

    private static byte[] bytes(int from, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** Appends the segments and returns the array sizes the buffer went through. */
    private static int[] feed(ByteBuf buf, int... segments) {
        int[] sizes = new int[segments.length];
        int at = 0;
        for (int i = 0; i < segments.length; i++) {
            buf.append(bytes(at, segments[i]), 0, segments[i]);
            at += segments[i];
            sizes[i] = buf.capacity();
        }
        return sizes;
    }

    private static byte[] kept(ByteBuf buf) {
        return Arrays.copyOf(buf.array(), buf.length());
    }

    @Test
    void withoutAnAnnouncedLengthTheArrayDoubles() {
        ByteBuf buf = new ByteBuf(0, 1 << 20);
        assertArrayEquals(new int[] {1000, 2000, 4000}, feed(buf, 1000, 1000, 1000));
        assertArrayEquals(bytes(0, 3000), kept(buf));
    }

    @Test
    void anAnnouncedLengthIsAllocatedOnceAtTheFirstAppend() {
        ByteBuf buf = new ByteBuf(0, 1 << 20);
        buf.expect(3500);
        assertArrayEquals(new int[] {3500, 3500, 3500, 3500}, feed(buf, 1000, 1000, 1000, 500));
        assertArrayEquals(bytes(0, 3500), kept(buf));
    }

    @Test
    void anAnnouncedLengthTakesAtMostFourTimesTheFirstAppend() {
        // a Content-Length that lies (or a large body) costs no more than the doubling would
        ByteBuf buf = new ByteBuf(0, 1 << 20);
        buf.expect(1_000_000);
        assertArrayEquals(new int[] {400, 400, 800}, feed(buf, 100, 300, 100));
        assertArrayEquals(bytes(0, 500), kept(buf));
    }

    @Test
    void anAnnouncedLengthStaysWithinTheCapAndTheCapStillDrops() {
        ByteBuf buf = new ByteBuf(0, 2500);
        buf.expect(10_000);
        assertArrayEquals(new int[] {2500, 2500, 2500}, feed(buf, 1000, 1000, 1000));
        assertEquals(2500, buf.length());
        assertEquals(500, buf.dropped());
        assertArrayEquals(bytes(0, 2500), kept(buf));
    }

    @Test
    void anAnnouncedLengthNoLargerThanTheFirstAppendChangesNothing() {
        ByteBuf buf = new ByteBuf(0, 1 << 20);
        buf.expect(100);
        assertArrayEquals(new int[] {100}, feed(buf, 100));
        assertArrayEquals(bytes(0, 100), kept(buf));
    }
}
