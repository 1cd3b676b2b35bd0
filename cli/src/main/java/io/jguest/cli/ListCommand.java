package io.jguest.cli;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jguest list}: what the appliance finds on the images: disks, partitions, filesystems and,
 * after activating every volume group, LVM logical volumes. Never writes (drives read-only).
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List the devices, partitions, filesystems and logical volumes of disk images.")
final class ListCommand implements Callable<Integer> {
    private final Cli cli;

    @Mixin
    DiskOptions disks;

    @Mixin
    CommonOptions common;

    ListCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        List<Drive> drives = disks.drives(true);
        PrintWriter out = cli.terminal().out();
        try (Guest guest = cli.launch(cli.configFor(drives).build())) {
            List<LogicalVolume> lvs = activateLvm(guest);
            List<BlockDevice> devices = guest.listDevices();
            List<Partition> partitions = guest.listPartitions();
            List<Filesystem> filesystems = guest.listFilesystems();

            Table dev = new Table("DEVICE", "SIZE", "TABLE", "DISK-ID", "IMAGE");
            for (int i = 0; i < devices.size(); i++) {
                BlockDevice d = devices.get(i);
                String image = i < drives.size() ? drives.get(i).path().toString() : "";
                dev.row(d.device(), d.size(), d.tableType(), d.diskId(), image);
            }
            section(out, "Devices", dev);

            Table parts = new Table("PARTITION", "NUMBER", "START", "SIZE", "TYPE", "UUID");
            partitions.forEach(p -> parts.row(p.device(), p.number(), p.start(), p.size(), p.type(), p.uuid()));
            section(out, "Partitions", parts);

            Table fs = new Table("FILESYSTEM", "TYPE", "LABEL", "UUID");
            filesystems.forEach(f -> fs.row(f.device(), f.type(), f.label(), f.uuid()));
            section(out, "Filesystems", fs);

            Table lv = new Table("LOGICAL-VOLUME", "VG", "LV", "SIZE");
            lvs.forEach(l -> lv.row(l.device(), l.volumeGroup(), l.name(), l.size()));
            section(out, "Logical volumes", lv);
        }
        return ExitCodes.OK;
    }

    /** LVM is optional: a failure to activate is a warning, the rest of the listing still helps. */
    private List<LogicalVolume> activateLvm(Guest guest) {
        try {
            return guest.lvmActivateAll();
        } catch (GuestFsException e) {
            cli.terminal().err().println("jguest: warning: LVM activation failed: " + ErrorHandler.message(e));
            return List.of();
        }
    }

    private static void section(PrintWriter out, String title, Table table) {
        out.println(title + ":");
        if (table.isEmpty()) {
            out.println("  (none)");
        } else {
            table.print(out, "  ");
        }
        out.println();
    }
}
