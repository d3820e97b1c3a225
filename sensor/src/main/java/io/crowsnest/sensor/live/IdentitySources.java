package io.crowsnest.sensor.live;

import io.crowsnest.identity.WorkloadLookup;
import io.crowsnest.identity.WorkloadResolver;
import io.crowsnest.identity.docker.DockerClient;
import io.crowsnest.identity.history.IdentityHistory;
import io.crowsnest.identity.history.IdentityJournal;
import io.crowsnest.identity.proc.NetnsScanner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The live sensor's identity sources: the node's network namespaces from /proc, the Docker
 * Engine API when its socket exists, kept as an address→workload history (24 h, 200k intervals)
 * and, with --identity-out, journalled for replay. Lookups happen on the alert writer thread,
 * never on the packet path, and never block.
 */
final class IdentitySources implements AutoCloseable {
    private final WorkloadResolver resolver;
    private final IdentityJournal journal;
    private final DockerClient docker;

    private IdentitySources(WorkloadResolver resolver, IdentityJournal journal, DockerClient docker) {
        this.resolver = resolver;
        this.journal = journal;
        this.docker = docker;
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
        String node = o.node;
        if (node == null) {
            try {
                node = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                node = null;
            }
        }
        DockerClient docker = Files.exists(o.dockerSocket) ? new DockerClient(o.dockerSocket) : null;
        WorkloadResolver.Builder b = WorkloadResolver.builder().history(history).node(node).netnsScanner(new NetnsScanner());
        if (docker != null) {
            b.docker(docker);
        }
        WorkloadResolver resolver = b.build();
        resolver.start().whenComplete((v, e) -> {
            if (e != null) {
                err.println("crowsnest: warning: identity: " + e.getMessage() + " (alerts keep their addresses)");
            }
        });
        err.println("crowsnest: identity: /proc network namespaces" + (docker != null ? " + Docker API at " + o.dockerSocket : "")
                + (o.identityOut != null ? ", journal " + o.identityOut : ""));
        return new IdentitySources(resolver, journal, docker);
    }

    WorkloadLookup lookup() {
        return resolver::resolve;
    }

    @Override
    public void close() {
        resolver.close();
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
