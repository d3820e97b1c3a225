package io.crowsnest.identity.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * API errors, each kind reported once (the watches retry with backoff and would otherwise repeat it every few
 * seconds) with what to do about it; every occurrence is counted. A 403 lists the RBAC the sensor needs.
 */
public final class KubeErrors {

    /** The ClusterRole rules the sensor's ServiceAccount needs (deploy/kubernetes/clusterrole.yaml has them). */
    public static final String RBAC = "get/list/watch on pods, get on apps replicasets and batch jobs"
            + " (deploy/kubernetes/clusterrole.yaml)";

    private final String server;
    private final Consumer<String> report;
    private final Set<String> reported = new HashSet<>();
    private final AtomicLong count = new AtomicLong();
    private volatile Throwable last;

    public KubeErrors(String server, Consumer<String> report) {
        this.server = server;
        this.report = report;
    }

    /** Counts {@code t}; reports it the first time this (what, status) pair is seen. */
    public void failed(String what, Throwable t) {
        count.incrementAndGet();
        last = t;
        KubernetesClientException k = find(t);
        int code = k == null ? 0 : k.getCode();
        String key = what + "/" + (code != 0 ? code : root(t).getClass().getName());
        synchronized (reported) {
            if (!reported.add(key)) {
                return;
            }
        }
        report.accept(message(what, t));
    }

    String message(String what, Throwable t) {
        KubernetesClientException k = find(t);
        int code = k == null ? 0 : k.getCode();
        String detail = k != null && k.getStatus() != null && k.getStatus().getMessage() != null
                ? k.getStatus().getMessage() : root(t).getMessage();
        StringBuilder b = new StringBuilder("kubernetes: ").append(server).append(": ").append(what).append(": ");
        if (code == 403) {
            b.append("403 forbidden (").append(detail).append("); the sensor's ServiceAccount needs ").append(RBAC);
        } else if (code == 401) {
            b.append("401 unauthorized (").append(detail).append("); check the token or kubeconfig credentials");
        } else if (code != 0) {
            b.append(code).append(" (").append(detail).append(')');
        } else {
            b.append(root(t).getClass().getSimpleName()).append(": ").append(detail);
        }
        return b.append("; retrying with backoff, pods are named by the other sources meanwhile").toString();
    }

    public long count() {
        return count.get();
    }

    public Throwable last() {
        return last;
    }

    static KubernetesClientException find(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof KubernetesClientException k && k.getCode() != 0) {
                return k;
            }
            if (x.getCause() == x) {
                break;
            }
        }
        return t instanceof KubernetesClientException k ? k : null;
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }
}
