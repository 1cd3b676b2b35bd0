package io.jguest.appliance.launch;

import io.jguest.appliance.Accel;
import io.jguest.appliance.build.Appliance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The qemu argv for one appliance, built from immutable inputs (no I/O), so that it can be checked by
 * unit tests. See docs/DESIGN.md for the device layout: appliance root on virtio-blk ({@code /dev/vda}),
 * user drives on virtio-scsi ({@code /dev/sda}...), the channel on a virtio-serial port, the console on
 * qemu's stdout. Isolation: qemu's seccomp sandbox where the build has it, no network device or
 * anything else but the listed devices ({@code -nodefaults}), no host directory shared.
 */
public record QemuCommandLine(QemuBinary qemu, Accel accel, int memoryMiB, int cpus, Appliance appliance,
                              List<DriveProbe.Resolved> drives, Path socket, List<String> kernelArgs,
                              Path firmware) {
    public QemuCommandLine {
        Objects.requireNonNull(qemu);
        if (accel == Accel.AUTO) {
            throw new IllegalArgumentException("accel must be decided (KVM or TCG) before building the command line");
        }
        drives = List.copyOf(drives);
        kernelArgs = List.copyOf(kernelArgs);
    }

    /**
     * The kernel command line: console, quiet, drive count, then the builder's and the caller's args.
     * {@code unknown_nmi_panic}: an NMI from the host (QMP {@code inject-nmi}, {@link
     * io.jguest.appliance.Guest#injectNmi}) panics the kernel, which prints its stacks on the console
     * and ends qemu ({@code panic=1}, {@code -no-reboot}): a hung appliance can be diagnosed, and the
     * fault tests crash a guest the way a kernel bug would.
     */
    public String kernelCommandLine() {
        List<String> args = new ArrayList<>(List.of("console=ttyS0", "panic=1", "reboot=t", "scsi_mod.scan=sync",
                "jguest.drives=" + drives.size(), "no_timer_check", "cryptomgr.notests", "tsc=reliable",
                "8250.nr_uarts=1", "edd=off", "usbcore.nousb", "random.trust_cpu=on", "unknown_nmi_panic"));
        args.addAll(appliance.kernelArgs());
        args.addAll(kernelArgs);
        if (!kernelArgs.contains("jguest.verbose=1")) {
            args.add(1, "quiet");
        }
        return String.join(" ", args);
    }

    public List<String> argv() {
        List<String> a = new ArrayList<>();
        a.add(qemu.path().toString());
        a.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"));
        if (qemu.sandbox()) {
            a.addAll(List.of("-sandbox", QemuBinary.SANDBOX));
        }
        if (accel == Accel.KVM) {
            a.addAll(List.of("-machine", "q35,accel=kvm", "-cpu", "host"));
        } else {
            a.addAll(List.of("-machine", "q35,accel=tcg", "-cpu", "max"));
        }
        if (firmware != null) {
            a.addAll(List.of("-bios", firmware.toString()));
        }
        a.addAll(List.of("-m", Integer.toString(memoryMiB), "-smp", Integer.toString(cpus)));
        a.addAll(List.of("-rtc", "base=utc,driftfix=slew"));
        a.addAll(List.of("-kernel", appliance.kernel().toString(), "-initrd", appliance.initrd().toString()));
        a.addAll(List.of("-append", kernelCommandLine()));
        a.addAll(List.of("-object", "rng-random,filename=/dev/urandom,id=rng0", "-device", "virtio-rng-pci,rng=rng0"));
        a.addAll(List.of("-drive", "file=" + escape(appliance.rootImage().toString())
                + ",if=none,id=appliance,format=raw,readonly=on,cache=unsafe", "-device", "virtio-blk-pci,drive=appliance"));
        a.addAll(List.of("-device", "virtio-scsi-pci,id=scsi0"));
        for (int i = 0; i < drives.size(); i++) {
            DriveProbe.Resolved d = drives.get(i);
            StringBuilder drive = new StringBuilder("file=").append(escape(d.path().toString()))
                    .append(",if=none,id=hd").append(i).append(",format=").append(d.format())
                    .append(",cache=writeback,discard=unmap,").append(ERROR_POLICY);
            if (d.readOnly()) {
                drive.append(",snapshot=on");
            }
            a.addAll(List.of("-drive", drive.toString()));
            a.addAll(List.of("-device", "scsi-hd,drive=hd" + i + ",bus=scsi0.0,channel=0,scsi-id=" + i + ",lun=0"));
        }
        a.addAll(List.of("-device", "virtio-serial-pci",
                "-chardev", "socket,id=channel0,path=" + escape(socket.toString()),
                "-device", "virtserialport,chardev=channel0,name=" + io.jguest.protocol.Wire.PORT_NAME));
        a.addAll(List.of("-serial", "stdio"));
        return List.copyOf(a);
    }

    /**
     * A user drive's I/O errors go to the guest, which fails the call (EIO): the default stops the VM on
     * a full host disk, and a stopped VM hangs every call on the mount.
     */
    static final String ERROR_POLICY = "werror=report,rerror=report";

    /** qemu option values escape a comma by doubling it. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
