package io.jguest.appliance;

import java.time.Duration;

/**
 * How a launch went, for -v and the boot benchmark.
 *
 * @param accel          the accelerator that booted the guest (never AUTO)
 * @param kvmFallback    true when KVM was tried, judged hung, and TCG used instead
 * @param build          time spent getting the appliance (cache hit: a few ms)
 * @param qemuToHello    from qemu start to the daemon's hello
 * @param kernelToInit   guest uptime when /init started
 * @param kernelToReady  guest uptime when the daemon was ready
 * @param kernelRelease  the appliance kernel
 * @param qemuVersion    {@code qemu-system-x86_64 --version} first line
 * @param restored       true when the appliance was restored from its saved state, not booted (the
 *                       kernel times are then zero: the kernel did not boot)
 * @param stateLoad      of a restored appliance, from qemu start to its state loaded; else zero
 * @param drivesAdded    of a restored appliance, from qemu start to every user drive hot-plugged (the
 *                       VM still paused); else zero
 * @param resumeSent     of a restored appliance, from qemu start to the VM running again ({@code cont})
 *                       and the resume call sent; else zero
 */
public record LaunchReport(Accel accel, boolean kvmFallback, Duration build, Duration qemuToHello,
                           Duration kernelToInit, Duration kernelToReady, String kernelRelease,
                           String qemuVersion, boolean restored, Duration stateLoad, Duration drivesAdded,
                           Duration resumeSent) {
    /** A report without the restore's later steps (a cold boot, or a caller that does not time them). */
    public LaunchReport(Accel accel, boolean kvmFallback, Duration build, Duration qemuToHello,
                        Duration kernelToInit, Duration kernelToReady, String kernelRelease,
                        String qemuVersion, boolean restored, Duration stateLoad) {
        this(accel, kvmFallback, build, qemuToHello, kernelToInit, kernelToReady, kernelRelease, qemuVersion, restored,
                stateLoad, Duration.ZERO, Duration.ZERO);
    }

    /** Time from qemu start to the guest kernel's first instruction, estimated (zero when restored). */
    public Duration qemuToKernel() {
        if (restored) {
            return Duration.ZERO;
        }
        Duration d = qemuToHello.minus(kernelToReady);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
