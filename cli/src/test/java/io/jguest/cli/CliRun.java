package io.jguest.cli;

import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Guest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs {@code jguest} in-process with captured output: with a scripted launcher (unit tests) or the
 * real one (the ITs in {@code io.jguest.cli.it}).
 */
public record CliRun(int exitCode, String out, String err) {
    /** The configurations the launcher was asked for. */
    static final class RecordingLauncher implements Cli.Launcher {
        final List<ApplianceConfig> configs = new ArrayList<>();
        private final Cli.Launcher delegate;

        RecordingLauncher(Cli.Launcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public Guest launch(ApplianceConfig config) throws ApplianceException {
            configs.add(config);
            return delegate.launch(config);
        }
    }

    /** A run that launches real appliances. */
    public static CliRun run(String... args) {
        return run(Guest::launch, args);
    }

    static CliRun run(Cli.Launcher launcher, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(Terminal.of(new PrintWriter(out), new PrintWriter(err)), launcher, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** One command's main class ({@code guest-inspect}, {@code guestmount}...) in-process, made by the CLI's factory. */
    public static CliRun command(Class<?> command, Cli.Launcher launcher, String... args) {
        return command(command, launcher, null, args);
    }

    /**
     * As {@link #command(Class, Cli.Launcher, String...)}, with the command's instance made by
     * {@code make} (to give it fakes); null: by the factory.
     */
    public static CliRun command(Class<?> command, Cli.Launcher launcher, Function<Cli, Object> make, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(Terminal.of(new PrintWriter(out), new PrintWriter(err)), launcher);
        CliFactory factory = make == null ? new CliFactory(cli) : new CliFactory(cli) {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == command ? cls.cast(make.apply(cli)) : super.create(cls);
            }
        };
        int code = Main.execute(command, cli, factory, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The non-blank lines of the error output. */
    public List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
