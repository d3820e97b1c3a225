package io.crowsnest.sensor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code crowsnest rules …}: rule-set tools ({@code check}). */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Rule-set tools.",
        subcommands = {RulesCheckCommand.class, RulesListCommand.class})
public final class RulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'crowsnest rules check --help')");
    }
}
