package io.jguest.cli;

import io.jguest.api.GuestFsException;
import io.jguest.appliance.ApplianceException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where failures become output and exit codes: a single line
 * {@code jguest: <message>} on stderr and {@link ExitCodes#ERROR}. Stack traces (and the appliance
 * console tail) only with {@code -v} or {@code -x}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private final Cli cli;

    ErrorHandler(Cli cli) {
        this.cli = cli;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = cli.terminal().err();
        CommandLine cmd = ex.getCommandLine();
        err.println("jguest: " + ex.getMessage() + " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.ERROR;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.terminal().err();
        cli.terminal().out().flush();
        boolean details = cli.verbose() || cli.trace();
        err.println("jguest: " + message(ex));
        if (details) {
            if (ex instanceof ApplianceException ae && ae.consoleTail() != null && !ae.consoleTail().isBlank()) {
                err.println("jguest: appliance console (last lines):");
                err.println(ae.consoleTail().stripTrailing());
            }
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.ERROR;
    }

    /** One line for the user: our own messages as they are, anything unexpected with its type. */
    static String message(Throwable ex) {
        String msg = ex.getMessage() == null ? "" : ex.getMessage().strip();
        String line = msg.lines().findFirst().orElse("");
        return switch (ex) {
            case ApplianceException _ -> line;
            case GuestFsException _ -> line;
            case CliException _ -> line;
            case IOException e -> line.isEmpty() ? e.getClass().getSimpleName() : line;
            default -> "internal error: " + ex.getClass().getName() + (line.isEmpty() ? "" : ": " + line)
                    + " (run with -v for details)";
        };
    }
}
