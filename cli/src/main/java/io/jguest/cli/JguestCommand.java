package io.jguest.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The top command: only dispatches to subcommands. */
@Command(name = "jguest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Look into virtual machine disk images safely: they are only parsed inside a small qemu VM.",
        subcommands = {ListCommand.class, LsCommand.class, CatCommand.class, BootBenchmarkCommand.class,
            CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Exit status: 0 on success, 1 on any error (usage, image, appliance or guest)."})
final class JguestCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
