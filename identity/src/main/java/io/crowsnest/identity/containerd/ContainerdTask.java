package io.crowsnest.identity.containerd;

/**
 * A running containerd task: its bundle's facts, its init process and the network namespace that process is in.
 *
 * @param bundle       the parsed {@code config.json}
 * @param pid          the init process on the host ({@code init.pid})
 * @param netnsInode   the inode of the init process's network namespace
 * @param startedNanos when the task was created: {@code init.pid}'s modification time, epoch nanoseconds
 */
public record ContainerdTask(OciBundle bundle, int pid, long netnsInode, long startedNanos) {

    public String id() {
        return bundle.id();
    }
}
