package io.crowsnest.sensor.cli;

/** Entry point placeholder; the picocli command tree lands with the replay command. */
public final class CrowsnestCli {
    public static void main(String[] args) {
        System.err.println("crowsnest: not yet implemented");
        System.exit(2);
    }
}
