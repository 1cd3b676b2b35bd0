package io.jguest.cli;

import io.jguest.api.GuestFsException;
import io.jguest.appliance.ApplianceException;
import io.jguest.mountlocal.MountException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where failures become output and exit codes: a single line
 * {@code <program>: <message>} on stderr ({@code jguest: }, {@code guestmount: }...: the name of the
 * top command), the {@link CliException#details() details} of a {@link CliException} on the lines
 * after it, and {@link ExitCodes#ERROR} (or the exception's own code). Stack traces (and the
 * appliance console tail) only with {@code -v} or {@code -x}.
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private final Cli cli;

    public ErrorHandler(Cli cli) {
        this.cli = cli;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = cli.terminal().err();
        CommandLine cmd = ex.getCommandLine();
        err.println(program(cmd) + ": " + ex.getMessage() + " (try '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.ERROR;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.terminal().err();
        cli.terminal().out().flush();
        String program = program(cmd);
        if (ex instanceof CliException ce && !ce.printed()) {
            return ce.exitCode();
        }
        boolean details = cli.verbose() || cli.trace();
        err.println(program + ": " + message(ex));
        if (ex instanceof CliException ce) {
            ce.details().forEach(line -> err.println(program + ": " + line));
        }
        if (details) {
            if (ex instanceof ApplianceException ae && ae.consoleTail() != null && !ae.consoleTail().isBlank()) {
                err.println(program + ": appliance console (last lines):");
                err.println(ae.consoleTail().stripTrailing());
            }
            ex.printStackTrace(err);
        }
        err.flush();
        return ex instanceof CliException ce ? ce.exitCode() : ExitCodes.ERROR;
    }

    /** The name errors start with: the top command's ({@code jguest}, {@code guestmount}). */
    static String program(CommandLine cmd) {
        return cmd.getCommandSpec().root().name();
    }

    /** One line for the user: our own messages as they are, anything unexpected with its type. */
    public static String message(Throwable ex) {
        String msg = ex.getMessage() == null ? "" : ex.getMessage().strip();
        String line = msg.lines().findFirst().orElse("");
        return switch (ex) {
            case ApplianceException _ -> line;
            case GuestFsException _ -> line;
            case CliException _ -> line;
            case MountException _ -> line;
            case IOException e -> line.isEmpty() ? e.getClass().getSimpleName() : line;
            default -> "internal error: " + ex.getClass().getName() + (line.isEmpty() ? "" : ": " + line)
                    + " (run with -v for details)";
        };
    }
}
