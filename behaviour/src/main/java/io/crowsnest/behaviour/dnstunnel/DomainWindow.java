package io.crowsnest.behaviour.dnstunnel;

import io.crowsnest.behaviour.TopFlows;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's queries under one base domain in one window. Lengths and entropy are averaged over the
 * distinct names (a name asked a hundred times carries its data once); query and type counts over all.
 */
final class DomainWindow {
    /** Distinct names counted per window; past this the count reads "at least". */
    static final int MAX_UNIQUE = 256;

    final long start;
    final HashSet64 unique = new HashSet64(MAX_UNIQUE);
    boolean uniqueCapped;
    long queries;
    long unusualTypes;
    /** Bytes of distinct names (all names once the distinct set is full). */
    long qnameBytes;
    private double labelLengthSum;
    private double entropySum;
    private double nameLengthSum;
    private int measured;
    final List<String> samples = new ArrayList<>(3);
    final TopFlows top = new TopFlows(5);
    int clientPort;
    String server;
    int serverPort;

    DomainWindow(long start) {
        this.start = start;
    }

    void measure(String name, String label) {
        measured++;
        labelLengthSum += label.length();
        entropySum += DomainNames.entropy(label);
        nameLengthSum += name.length();
        if (samples.size() < 3) {
            samples.add(name);
        }
    }

    int uniqueNames() {
        return unique.size();
    }

    double meanLabelLength() {
        return measured == 0 ? 0 : labelLengthSum / measured;
    }

    double meanEntropy() {
        return measured == 0 ? 0 : entropySum / measured;
    }

    double meanNameLength() {
        return measured == 0 ? 0 : nameLengthSum / measured;
    }

    double unusualTypeShare() {
        return queries == 0 ? 0 : (double) unusualTypes / queries;
    }
}
