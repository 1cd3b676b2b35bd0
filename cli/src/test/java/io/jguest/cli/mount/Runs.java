package io.jguest.cli.mount;

import io.jguest.cli.Cli;
import io.jguest.cli.CliFactory;
import io.jguest.cli.Main;
import io.jguest.cli.Terminal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs guestmount/guestunmount in-process with captured output and fakes. */
record Runs(int exitCode, String out, String err) {
    static Runs guestmount(Cli.Launcher launcher, Mounter mounter, MountRegistry registry, String... args) {
        return run(GuestmountCommand.class, launcher, cli -> new GuestmountCommand(cli, mounter, registry), args);
    }

    static Runs guestunmount(GuestunmountCommand.Sleeper sleeper, String... args) {
        return run(GuestunmountCommand.class, config -> {
            throw new AssertionError("guestunmount launches nothing");
        }, cli -> new GuestunmountCommand(cli, sleeper), args);
    }

    private static Runs run(Class<?> command, Cli.Launcher launcher, java.util.function.Function<Cli, Object> make,
                            String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(Terminal.of(new PrintWriter(out), new PrintWriter(err)), launcher);
        CliFactory factory = new CliFactory(cli) {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == command ? cls.cast(make.apply(cli)) : super.create(cls);
            }
        };
        int code = Main.execute(command, cli, factory, args);
        return new Runs(code, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
