package io.crowsnest.sensor.live;

import io.crowsnest.identity.WorkloadLookup;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.containerd.ContainerdSource;
import io.crowsnest.identity.docker.DockerClient;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.history.IdentityJournal;
import io.crowsnest.identity.kubernetes.KubeConnect;
import io.crowsnest.identity.kubernetes.KubernetesSource;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The live sensor's identity sources: the node's network namespaces from /proc, the Docker
 * Engine API when its socket exists, containerd's running tasks when its state directory exists
 * (--containerd-state, default /run/containerd), the Kubernetes API (--kubernetes auto: in a cluster or with
 * --kubeconfig), kept as an address→workload history (24 h, 200k intervals) and, with
 * --identity-out, journalled for replay. Lookups happen on the alert writer thread, never on the
 * packet path, and never block; a source that fails is reported and the others go on.
 */
final class IdentitySources implements AutoCloseable {
    private final WorkloadResolver resolver;
    private final IdentityJournal journal;
    private final DockerClient docker;
    private final io.fabric8.kubernetes.client.KubernetesClient kube;

    private IdentitySources(WorkloadResolver resolver, IdentityJournal journal, DockerClient docker,
            io.fabric8.kubernetes.client.KubernetesClient kube) {
        this.resolver = resolver;
        this.journal = journal;
        this.docker = docker;
        this.kube = kube;
    }

    /** This node's name: --node / identity.node, else $NODE_NAME (the DaemonSet sets it from spec.nodeName), else the host name. */
    static String nodeName(String configured, java.util.Map<String, String> env) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String n = env.get("NODE_NAME");
        if (n != null && !n.isBlank()) {
            return n;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    /** The Kubernetes client to use, or null (off, not in a cluster, or its config failed: reported). */
    static io.fabric8.kubernetes.client.KubernetesClient kubernetesClient(LiveOptions o, PrintStream err) {
        try {
            io.fabric8.kubernetes.client.Config c = KubeConnect.config(o.kubernetes, o.kubeconfig, System.getenv(),
                    java.nio.file.Path.of(KubeConnect.SA_DIR));
            return c == null ? null : KubeConnect.client(c);
        } catch (RuntimeException e) {
            err.println("crowsnest: warning: kubernetes: " + (o.kubeconfig != null ? o.kubeconfig + ": " : "")
                    + e.getMessage() + " (pods are named by /proc and Docker only)");
            return null;
        }
    }

    /** Starts the sources, or returns null when identity is off; problems are reported, never fatal. */
    static IdentitySources start(LiveOptions o, PrintStream err) {
        if (!o.identity) {
            return null;
        }
        IdentityHistory history = new IdentityHistory(Duration.ofHours(24).toNanos(), 200_000);
        IdentityJournal journal = null;
        if (o.identityOut != null) {
            try {
                journal = IdentityJournal.attach(history, o.identityOut, 1);
            } catch (IOException e) {
                err.println("crowsnest: warning: --identity-out " + o.identityOut + ": " + e.getMessage());
            }
        }
        String node = nodeName(o.node, System.getenv());
        DockerClient docker = null;
        if (Files.exists(o.dockerSocket)) {
            try {
                docker = new DockerClient(o.dockerSocket);
            } catch (RuntimeException e) {
                // e.g. Netty's native epoll cannot load from a noexec /tmp: name nothing from Docker, keep capturing
                err.println("crowsnest: warning: cannot use the Docker Engine API at " + o.dockerSocket + ": " + e.getMessage()
                        + (String.valueOf(e.getMessage()).contains("epoll")
                        ? " (Netty unpacks its native library into java.io.tmpdir, which must allow exec: --tmpfs /tmp:exec)" : "")
                        + "; alerts will not name containers from Docker");
            }
        }
        WorkloadResolver.Builder b = WorkloadResolver.builder().history(history).node(node).netnsScanner(new NetnsScanner())
                .warnings(m -> err.println("crowsnest: warning: identity: " + m));
        if (docker != null) {
            b.docker(docker);
        }
        boolean containerd = o.containerdState != null && Files.isDirectory(o.containerdState);
        if (containerd && !Files.isReadable(o.containerdState)) {
            // containerd keeps its state directory 0700 root: reading it takes root or CAP_DAC_READ_SEARCH
            err.println("crowsnest: warning: cannot read containerd's state directory " + o.containerdState
                    + " (needs root, or CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE); alerts will not name containers from containerd");
            containerd = false;
        }
        if (containerd) {
            b.containerd(ContainerdSource.of(o.containerdState)); // closed by the resolver
        }
        io.fabric8.kubernetes.client.KubernetesClient kube = kubernetesClient(o, err);
        if (kube != null && node == null) {
            err.println("crowsnest: warning: kubernetes: no node name (--node or $NODE_NAME): Kubernetes source off");
            kube.close();
            kube = null;
        }
        if (kube != null) {
            b.kubernetes(new KubernetesSource(kube, node, o.kubernetesRemotePods,
                    m -> err.println("crowsnest: warning: " + m), WorkloadResolver::nowNanos));
        }
        WorkloadResolver resolver = b.build();
        resolver.start().whenComplete((v, e) -> {
            if (e != null) {
                err.println("crowsnest: warning: identity: " + e.getMessage() + " (alerts keep their addresses)");
            }
        });
        err.println("crowsnest: identity: /proc network namespaces" + (docker != null ? " + Docker API at " + o.dockerSocket : "")
                + (containerd ? " + containerd tasks in " + o.containerdState : "")
                + (kube != null ? " + Kubernetes API at " + kube.getMasterUrl() + " (node " + node
                        + (o.kubernetesRemotePods ? ", pods of every node)" : ", this node's pods)") : "")
                + (o.identityOut != null ? ", journal " + o.identityOut : ""));
        return new IdentitySources(resolver, journal, docker, kube);
    }

    WorkloadLookup lookup() {
        return resolver::resolve;
    }

    @Override
    public void close() {
        resolver.close();
        if (kube != null) {
            kube.close();
        }
        if (docker != null) {
            try {
                docker.close();
            } catch (Exception e) {
                // shutting down
            }
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                // the journal reports its own failures
            }
        }
    }
}
