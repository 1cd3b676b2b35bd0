package io.jguest.cli;

import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -m DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]} (repeatable, at least one). */
final class MountOptions {
    private final List<MountSpec> mounts = new ArrayList<>();

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = {"-m", "--mount"}, paramLabel = "DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]", required = true,
            description = "Mount DEV (e.g. /dev/sda1) at MOUNTPOINT (default /) in the guest; repeatable.")
    void mount(String spec) {
        try {
            mounts.add(MountSpec.parse(spec));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** Mounts everything, shortest mountpoint first, read-only (these commands never write). */
    void mountAllReadOnly(GuestSession guest) throws GuestFsException {
        for (MountSpec m : mounts.stream().sorted(MountSpec.MOUNT_ORDER).toList()) {
            MountSpec ro = m.readOnly();
            guest.mount(ro.device(), ro.mountpoint(), ro.options(), ro.fstype());
        }
    }
}
