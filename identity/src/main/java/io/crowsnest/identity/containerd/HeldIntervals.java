package io.crowsnest.identity.containerd;

import io.crowsnest.identity.IpKey;
import io.crowsnest.identity.Workload;
import io.crowsnest.identity.history.IdentityHistory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive containerd listings into history intervals, as a diff against the previous listing (a listing
 * is the whole truth, so an event missed in between costs nothing but time): a holder seen for the first time opens
 * its addresses from its first task's start (absorbing what the /proc scan said of the same pod or container), a
 * holder whose facts changed (a container added to or gone from a pod) closes its addresses now and reopens them
 * with the new facts, a holder gone or an address it dropped is closed now. Closes come before opens, so an
 * address handed from one holder to the next within one listing is released before it is taken.
 *
 * <p>Opening goes through the caller ({@link Opener}: the resolver lets Kubernetes keep naming a pod's address);
 * a close matches the workload this class opened, so it is a no-op when another source renamed the address since.
 * Single-threaded (the resolver's thread). Memory: the last listing.
 */
public final class HeldIntervals {

    /** Opens (or upgrades) an address for a runtime's workload. */
    @FunctionalInterface
    public interface Opener {
        void open(IpKey address, Workload w, long fromNanos);
    }

    private final IdentityHistory history;
    private final Opener opener;
    private Map<String, ContainerdSource.Held> applied = new HashMap<>(); // holder key -> last applied

    public HeldIntervals(IdentityHistory history, Opener opener) {
        this.history = history;
        this.opener = opener;
    }

    public void apply(List<ContainerdSource.Held> listing, long now) {
        Map<String, ContainerdSource.Held> next = new HashMap<>();
        for (ContainerdSource.Held h : listing) {
            next.put(h.key(), h);
        }
        for (ContainerdSource.Held old : applied.values()) {
            ContainerdSource.Held current = next.get(old.key());
            for (IpKey a : old.addresses()) {
                if (current == null || !current.addresses().contains(a) || !current.workload().equals(old.workload())) {
                    history.close(a, old.workload(), now);
                }
            }
        }
        for (ContainerdSource.Held h : next.values()) {
            ContainerdSource.Held old = applied.get(h.key());
            for (IpKey a : h.addresses()) {
                if (old != null && old.workload().equals(h.workload()) && old.addresses().contains(a)) {
                    continue; // unchanged
                }
                opener.open(a, h.workload(), old == null ? Math.min(h.startedNanos(), now) : now);
            }
        }
        applied = next;
    }
}
