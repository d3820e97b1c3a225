package io.crowsnest.sensor.config;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code crowsnest config check FILE}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with crowsnest.yaml.",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'crowsnest config check FILE')");
    }

    /** Validates a config file: every unknown key and bad value, with file:line:column. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a crowsnest.yaml: prints every unknown key and bad value as FILE:LINE:COLUMN: message.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the file is valid", "1:errors (printed)", "2:usage error"})
    public static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The config file.")
        Path file;

        @Override
        public Integer call() {
            try {
                CrowsnestConfig.load(file);
                spec.commandLine().getOut().println(file + ": ok");
                return 0;
            } catch (ConfigException e) {
                for (ConfigError err : e.errors()) {
                    spec.commandLine().getErr().println(err);
                }
                return 1;
            }
        }
    }
}
