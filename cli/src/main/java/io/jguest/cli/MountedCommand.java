package io.jguest.cli;

import io.jguest.appliance.Guest;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that reads files: {@code -a} drives (always attached read-only), {@code -m} mounts (always
 * mounted read-only), {@code -v}/{@code -x}. Subclasses only say what to do with the mounted guest.
 */
abstract class MountedCommand implements Callable<Integer> {
    final Cli cli;

    @Mixin
    DiskOptions disks;

    @Mixin
    MountOptions mounts;

    @Mixin
    CommonOptions common;

    MountedCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public final Integer call() throws Exception {
        try (Guest guest = cli.launch(cli.configFor(disks.drives(true)).build())) {
            mounts.mountAllReadOnly(guest);
            run(guest);
        }
        return ExitCodes.OK;
    }

    /**
     * Does the command's work with every {@code -m} mounted; the guest is closed afterwards.
     *
     * @throws IOException a guest error ({@link io.jguest.api.GuestFsException}) or a failed write
     */
    abstract void run(Guest guest) throws IOException;
}
