package io.crowsnest.detection.engine;

/**
 * Sorts a range of an int array in place without allocating. {@code Arrays.sort(int[], int, int)} is not
 * allocation-free: the candidate list of a packet is a few ascending runs (always-evaluated rules, each
 * pattern's rules, transaction rules), which makes the JDK's sort try merging runs into a new buffer
 * (JFR: 245 of 252 allocation samples of a detection worker were that buffer, ~290 bytes a packet).
 * Insertion sort for short ranges, heapsort otherwise: O(n log n) worst case, no recursion.
 */
final class IntSort {
    private static final int INSERTION_MAX = 24;

    private IntSort() {
    }

    /** Sorts {@code a[from, to)} ascending. */
    static void sort(int[] a, int from, int to) {
        int n = to - from;
        if (n <= INSERTION_MAX) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && a[j] > v) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(a, from, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            int t = a[from];
            a[from] = a[from + end];
            a[from + end] = t;
            siftDown(a, from, 0, end);
        }
    }

    private static void siftDown(int[] a, int base, int i, int n) {
        int v = a[base + i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && a[base + c + 1] > a[base + c]) {
                c++;
            }
            if (a[base + c] <= v) {
                break;
            }
            a[base + i] = a[base + c];
            i = c;
        }
        a[base + i] = v;
    }
}
