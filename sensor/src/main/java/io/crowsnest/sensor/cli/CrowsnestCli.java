package io.crowsnest.sensor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code crowsnest}: the one entry point (bin/crowsnest runs this). */
@Command(name = "crowsnest", mixinStandardHelpOptions = true, version = "crowsnest 0.1.0",
        description = "Network intrusion detection for the traffic between containers.",
        subcommands = {ReplayCommand.class, LiveCommand.class, RulesCommand.class, BaselineCommand.class, EvaluateCommand.class,
                io.crowsnest.sensor.config.ConfigCommand.class,
                io.crowsnest.sensor.reload.ReloadCommand.class,
                CommandLine.HelpCommand.class})
public final class CrowsnestCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'crowsnest help')");
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new CrowsnestCli());
        // Unix habit: usage errors exit 2, like getopt-based tools.
        cl.setExitCodeExceptionMapper(t -> 1);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("crowsnest: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
