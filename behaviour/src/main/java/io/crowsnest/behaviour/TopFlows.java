package io.crowsnest.behaviour;

import java.util.ArrayList;
import java.util.List;

/**
 * The few flows an alert names as evidence: the first {@code cap} distinct descriptions added (later
 * ones are counted, not kept), so evidence costs a few strings per tracked key at most.
 */
public final class TopFlows {
    private final int cap;
    private final List<String> flows = new ArrayList<>();
    private long more;

    public TopFlows(int cap) {
        this.cap = cap;
    }

    public void add(String description) {
        if (flows.size() < cap) {
            if (!flows.contains(description)) {
                flows.add(description);
            }
        } else {
            more++;
        }
    }

    public List<String> list() {
        List<String> l = new ArrayList<>(flows);
        if (more > 0) {
            l.add("… and " + more + " more");
        }
        return l;
    }

    public void clear() {
        flows.clear();
        more = 0;
    }
}
