package io.crowsnest.detection.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The candidate sort: the JDK's order, within the range only, and no allocation (the JDK's sort allocates). */
class IntSortTest {
    @Test
    void sortsRangesLikeTheJdkAndLeavesTheRestAlone() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 2000; round++) {
            int len = rnd.nextInt(400);
            int[] a = new int[len + 10];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextInt(round % 2 == 0 ? 50 : 100000); // with and without duplicates
            }
            if (round % 3 == 0) { // a few ascending runs, as candidate lists are
                int cut = len / 3;
                Arrays.sort(a, 5, 5 + cut);
                Arrays.sort(a, 5 + cut, 5 + len);
            }
            int[] want = a.clone();
            Arrays.sort(want, 5, 5 + len);
            IntSort.sort(a, 5, 5 + len);
            assertArrayEquals(want, a, "round " + round);
        }
    }

    @Test
    void sortingRunsDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean tb)) {
            return;
        }
        int[] a = new int[3000];
        for (int r = 0; r < 3; r++) {
            fillRuns(a);
            IntSort.sort(a, 0, a.length);
        }
        long before = tb.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int r = 0; r < 200; r++) {
            fillRuns(a);
            IntSort.sort(a, 0, a.length);
        }
        long allocated = tb.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 1024, "sorting allocated " + allocated + " bytes");
    }

    /** Ten ascending runs, the shape that makes {@code Arrays.sort} allocate a merge buffer. */
    private static void fillRuns(int[] a) {
        int run = a.length / 10;
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % run) * 10 + i / run;
        }
    }
}
