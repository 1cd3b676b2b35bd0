package io.jguest.cli;

import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.Guest;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Entry point of {@code jguest}, and the runner the other programs ({@code guestmount},
 * {@code guestunmount}) share. {@link #run(PrintWriter, PrintWriter, String...)} and
 * {@link #execute} are what tests call; {@link #main} and {@link #runAndExit} only add
 * {@code System.exit}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        runAndExit(JguestCommand.class, args);
    }

    /**
     * The {@code main} of a program ({@code jguest}, {@code guestmount}...): runs {@code topCommand}
     * on this process's stdout/stderr with the real launcher, then exits with its code.
     */
    public static void runAndExit(Class<?> topCommand, String... args) {
        OutputStream raw = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Cli cli = new Cli(new Terminal(out, err, raw), Guest::launch);
        int code = execute(topCommand, cli, new CliFactory(cli), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one {@code jguest} command line. Output goes to {@code out} (file contents decoded as
     * UTF-8), messages to {@code err}.
     *
     * @return the exit code: {@link ExitCodes#OK} or {@link ExitCodes#ERROR}
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(Terminal.of(out, err), Guest::launch, args);
    }

    static int run(Terminal terminal, Cli.Launcher launcher, String... args) {
        Cli cli = new Cli(terminal, launcher);
        return execute(JguestCommand.class, cli, new CliFactory(cli), args);
    }

    /**
     * Runs one command line of {@code topCommand} (a picocli command class) for the run {@code cli},
     * with commands and mixins made by {@code factory}; every failure goes through one
     * {@link ErrorHandler}.
     *
     * @return the exit code
     */
    public static int execute(Class<?> topCommand, Cli cli, CommandLine.IFactory factory, String... args) {
        configureDefaults();
        Terminal terminal = cli.terminal();
        ErrorHandler errors = new ErrorHandler(cli);
        CommandLine cmd = new CommandLine(topCommand, factory)
                .setOut(terminal.out())
                .setErr(terminal.err())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                // -a, -m and --format are setters called once per occurrence, in command-line order
                .setOverwrittenOptionsAllowed(true);
        try {
            return cmd.execute(args);
        } finally {
            if (terminal.raw() instanceof Utf8WriterStream text) {
                try {
                    text.finish();
                } catch (java.io.IOException e) {
                    terminal.err().println(cmd.getCommandName() + ": cannot write output: " + e.getMessage());
                }
            }
            terminal.out().flush();
            terminal.err().flush();
        }
    }

    /**
     * Quiet logging unless {@code -v}/{@code -x} say otherwise (set before any logger exists), and the
     * daemon jars next to ours when the scripts did not name them.
     */
    private static void configureDefaults() {
        setIfAbsent(Cli.LOG_LEVEL_PROPERTY, "warn");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        if (System.getProperty(ApplianceConfig.DAEMON_CLASSPATH_PROPERTY) == null) {
            Path sibling = siblingDaemonDir();
            if (sibling != null) {
                System.setProperty(ApplianceConfig.DAEMON_CLASSPATH_PROPERTY, sibling.toString());
            }
        }
    }

    /** {@code <dist>/daemon} when this class runs from {@code <dist>/lib/cli-*.jar}; else null. */
    private static Path siblingDaemonDir() {
        try {
            var source = Main.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            Path lib = jar.getParent();
            if (lib == null || !Files.isRegularFile(jar) || !lib.getFileName().toString().equals("lib")) {
                return null;
            }
            Path daemon = lib.resolveSibling("daemon");
            return Files.isDirectory(daemon) ? daemon : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
