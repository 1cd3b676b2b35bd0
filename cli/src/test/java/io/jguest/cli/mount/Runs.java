package io.jguest.cli.mount;

import io.jguest.cli.CliRun;

/** Runs guestmount/guestunmount in-process with captured output and fakes. */
final class Runs {
    private Runs() {
    }

    static CliRun guestmount(io.jguest.cli.Cli.Launcher launcher, Mounter mounter, MountRegistry registry, String... args) {
        return CliRun.command(GuestmountCommand.class, launcher, cli -> new GuestmountCommand(cli, mounter, registry), args);
    }

    static CliRun guestunmount(GuestunmountCommand.Sleeper sleeper, String... args) {
        return CliRun.command(GuestunmountCommand.class, config -> {
            throw new AssertionError("guestunmount launches nothing");
        }, cli -> new GuestunmountCommand(cli, sleeper), args);
    }
}
