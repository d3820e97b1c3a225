package io.crowsnest.bench.memory;

/** Heap in use after a few collections: what the memory benchmarks report as retained. */
public final class RetainedHeap {
    private RetainedHeap() {
    }

    /** Bytes in use after four {@code System.gc()} calls 50 ms apart (close to the live set on G1). */
    public static long bytes() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
