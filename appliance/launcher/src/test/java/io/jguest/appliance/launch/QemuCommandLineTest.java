package io.jguest.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Accel;
import io.jguest.appliance.build.Appliance;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {
    private static final Appliance APPLIANCE = new Appliance(Path.of("/cache/a"), Path.of("/cache/a/kernel"),
            Path.of("/cache/a/initrd"), Path.of("/cache/a/root.img"), List.of("rootwait"), "6.1.0-test", "abc");

    private static final QemuBinary QEMU = new QemuBinary(Path.of("/usr/bin/qemu-system-x86_64"), "QEMU 7.2", true);

    private static QemuCommandLine cmd(Accel accel, List<DriveProbe.Resolved> drives, List<String> extra) {
        return new QemuCommandLine(QEMU, accel, 512, 1, APPLIANCE, drives,
                Path.of("/tmp/jguest-x/channel.sock"), extra, null);
    }

    private static String after(List<String> argv, String flag, int nth) {
        int seen = 0;
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(flag) && seen++ == nth) {
                return argv.get(i + 1);
            }
        }
        throw new AssertionError(flag + " #" + nth + " not in " + argv);
    }

    @Test
    void readOnlyDrivesUseASnapshotAndReadWriteDrivesDoNot() {
        List<String> argv = cmd(Accel.TCG, List.of(
                new DriveProbe.Resolved(Path.of("/img/a.qcow2"), "qcow2", true),
                new DriveProbe.Resolved(Path.of("/img/b,c.raw"), "raw", false)), List.of()).argv();
        String first = after(argv, "-drive", 1);
        String second = after(argv, "-drive", 2);
        assertTrue(first.startsWith("file=/img/a.qcow2,if=none,id=hd0,format=qcow2"), first);
        assertTrue(first.endsWith(",snapshot=on"), first);
        assertTrue(second.startsWith("file=/img/b,,c.raw,"), "commas in paths are doubled: " + second);
        assertTrue(!second.contains("snapshot"), second);
        assertEquals("scsi-hd,drive=hd1,bus=scsi0.0,channel=0,scsi-id=1,lun=0", after(argv, "-device", 4));
    }

    @Test
    void driveErrorsGoToTheGuestInsteadOfStoppingTheVm() {
        String drive = after(cmd(Accel.TCG, List.of(new DriveProbe.Resolved(Path.of("/img/a.qcow2"), "qcow2", false)),
                List.of()).argv(), "-drive", 1);
        assertTrue(drive.contains(",werror=report,rerror=report"), drive);
    }

    @Test
    void sandboxedWhenTheBuildHasSeccompAndNeverANetworkOrSharedDirectory() {
        List<String> argv = cmd(Accel.TCG, List.of(), List.of()).argv();
        assertEquals(QemuBinary.SANDBOX, after(argv, "-sandbox", 0));
        List<String> plain = new QemuCommandLine(new QemuBinary(QEMU.path(), "QEMU 7.2", false), Accel.TCG, 512, 1,
                APPLIANCE, List.of(), Path.of("/tmp/s"), List.of(), null).argv();
        assertTrue(!plain.contains("-sandbox"), "a build without seccomp rejects -sandbox: " + plain);
        for (String a : argv) {
            assertTrue(!a.matches("-(net|nic|netdev|virtfs|fsdev)") && !a.matches(".*(virtio-net|e1000|vhost-user-fs|9p).*"),
                    "network or shared directory: " + a);
        }
        assertTrue(argv.contains("-nodefaults"), "no default NIC or other device");
    }

    @Test
    void applianceRootIsReadOnlyVirtioBlk() {
        List<String> argv = cmd(Accel.TCG, List.of(), List.of()).argv();
        assertEquals("file=/cache/a/root.img,if=none,id=appliance,format=raw,readonly=on,cache=unsafe", after(argv, "-drive", 0));
        assertTrue(argv.contains("virtio-blk-pci,drive=appliance"));
        assertTrue(argv.contains("socket,id=channel0,path=/tmp/jguest-x/channel.sock"));
        assertTrue(argv.contains("virtserialport,chardev=channel0,name=io.jguest.channel.0"));
        assertTrue(argv.containsAll(List.of("-nodefaults", "-no-reboot", "-no-user-config")));
    }

    @Test
    void acceleratorSelectsMachineAndCpu() {
        assertEquals("q35,accel=kvm", after(cmd(Accel.KVM, List.of(), List.of()).argv(), "-machine", 0));
        assertEquals("host", after(cmd(Accel.KVM, List.of(), List.of()).argv(), "-cpu", 0));
        assertEquals("q35,accel=tcg", after(cmd(Accel.TCG, List.of(), List.of()).argv(), "-machine", 0));
        assertThrows(IllegalArgumentException.class, () -> cmd(Accel.AUTO, List.of(), List.of()));
    }

    @Test
    void kernelCommandLineCarriesDriveCountQuietAndExtras() {
        var two = List.of(new DriveProbe.Resolved(Path.of("/a"), "raw", true), new DriveProbe.Resolved(Path.of("/b"), "raw", true));
        String quiet = cmd(Accel.TCG, two, List.of("foo=bar")).kernelCommandLine();
        assertTrue(quiet.contains(" quiet "), quiet);
        assertTrue(quiet.contains("jguest.drives=2"), quiet);
        assertTrue(quiet.contains("rootwait"), "builder args: " + quiet);
        assertTrue(quiet.endsWith("foo=bar"), quiet);
        String verbose = cmd(Accel.TCG, two, List.of("jguest.verbose=1")).kernelCommandLine();
        assertTrue(!verbose.contains("quiet"), verbose);
    }
}
