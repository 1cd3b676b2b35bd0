package io.jguest.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v} and {@code -x}, accepted before or after the subcommand name. They only record into
 * the run's {@link Cli}.
 */
public final class CommonOptions {
    private final Cli cli;

    CommonOptions(Cli cli) {
        this.cli = cli;
    }

    @Option(names = {"-v", "--verbose"}, description = "Debug logs, and the appliance console on stderr.")
    void verbose(boolean on) {
        cli.setVerbose(on);
    }

    @Option(names = {"-x", "--trace"}, description = "Trace every protocol call on stderr.")
    void trace(boolean on) {
        cli.setTrace(on);
    }
}
