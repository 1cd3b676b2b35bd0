package io.jguest.cli;

import io.jguest.appliance.ApplianceConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code jguest} in-process with captured output and a scripted launcher. */
final class CliRun {
    final int exitCode;
    final String out;
    final String err;

    private CliRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /** The configurations the launcher was asked for. */
    static final class RecordingLauncher implements Cli.Launcher {
        final List<ApplianceConfig> configs = new ArrayList<>();
        private final Cli.Launcher delegate;

        RecordingLauncher(Cli.Launcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public io.jguest.appliance.Guest launch(ApplianceConfig config) throws io.jguest.appliance.ApplianceException {
            configs.add(config);
            return delegate.launch(config);
        }
    }

    static CliRun run(Cli.Launcher launcher, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(Terminal.of(new PrintWriter(out), new PrintWriter(err)), launcher, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
