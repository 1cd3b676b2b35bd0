package io.jguest.daemon.block;

import static io.jguest.daemon.posix.Flags.AT_FDCWD;

import io.jguest.api.BlockDevice;
import io.jguest.api.Errno;
import io.jguest.api.FileType;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import io.jguest.api.InspectionReport;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import io.jguest.daemon.Log;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.daemon.posix.Libc;
import io.jguest.inspection.InspectionInput;
import io.jguest.inspection.Inspector;
import io.jguest.daemon.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link GuestSession} inside the appliance: the user's disks are {@code /dev/sd*} (virtio-scsi), the
 * appliance's own root disk ({@code /dev/vda}) is never listed. Every call first waits for the
 * devices ({@link DeviceWait}): listings for the disks, a mount also for its filesystem's module, LVM
 * for every module. Thread-safe.
 */
public final class LocalSession implements GuestSession {
    /** MBR types of extended partitions: containers, not filesystems. */
    private static final Set<String> EXTENDED = Set.of("0x5", "0xf", "0x85");

    private final Sysroot sysroot;
    private final DeviceWait deviceWait;
    private final SysBlock sysBlock;
    private final Path dev;
    private final Blkid blkid;
    private final Lvm lvm;
    private final MountTable mounts;
    /** Where inspection mounts each filesystem read-only: outside the sysroot, private to the daemon. */
    private final Path inspectDir;

    LocalSession(Sysroot sysroot, CommandRunner runner, DeviceWait deviceWait, SysBlock sysBlock, Path dev,
                 Path mountinfo, Path inspectDir) {
        this.inspectDir = inspectDir;
        this.sysroot = sysroot;
        this.deviceWait = deviceWait;
        this.sysBlock = sysBlock;
        this.dev = dev;
        this.blkid = new Blkid(runner);
        this.lvm = new Lvm(runner);
        this.mounts = new MountTable(runner, mountinfo);
    }

    /** The appliance's real devices, tools and files. */
    public static LocalSession create(Sysroot sysroot, CommandRunner runner) {
        return create(sysroot, runner, DeviceWait.appliance());
    }

    /** As {@link #create(Sysroot, CommandRunner)} with another wait (tests: one that never waits). */
    public static LocalSession create(Sysroot sysroot, CommandRunner runner, DeviceWait wait) {
        return new LocalSession(sysroot, runner, wait, new SysBlock(Path.of("/sys/block")), Path.of("/dev"),
                Path.of("/proc/self/mountinfo"), Path.of("/run/jguest-inspect"));
    }

    /**
     * A session on another {@code /sys/block} and {@code /dev} tree and mountinfo file (the AOT
     * training run fakes them on the build host). Inspection mounts go to {@code inspect} beside {@code dev}.
     */
    public static LocalSession create(Sysroot sysroot, CommandRunner runner, DeviceWait wait, Path sysBlock, Path dev,
                                      Path mountinfo) {
        return new LocalSession(sysroot, runner, wait, new SysBlock(sysBlock), dev, mountinfo,
                dev.resolveSibling("inspect"));
    }

    // ---------------------------------------------------------------- devices

    @Override
    public List<BlockDevice> listDevices() throws GuestFsException {
        deviceWait.awaitDisks();
        List<String> disks = sysBlock.disks();
        DeviceNames names = names();
        Map<String, Map<String, String>> probed = blkid.probe(disks.stream().map(this::devicePath).toList());
        List<BlockDevice> out = new ArrayList<>();
        for (String disk : disks) {
            String device = devicePath(disk);
            Map<String, String> p = probed.getOrDefault(device, Map.of());
            String table = p.get("PTTYPE");
            try {
                out.add(new BlockDevice(names.toUser(device), sysBlock.sizeBytes(disk), sysBlock.readOnly(disk), table,
                        diskId(table, p.get("PTUUID"))));
            } catch (IOException e) {
                throw new GuestFsException(Errno.EIO, device, "cannot read /sys/block/" + disk + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The disk identifier in API form: MBR signature as 8 lower-case hex digits, GUIDs lower case. */
    static String diskId(String tableType, String ptuuid) {
        if (ptuuid == null || ptuuid.isBlank()) {
            return null;
        }
        String id = ptuuid.strip().toLowerCase(Locale.ROOT);
        if ("dos".equals(tableType)) {
            if (id.startsWith("0x")) {
                id = id.substring(2);
            }
            id = "0".repeat(Math.max(0, 8 - id.length())) + id;
        }
        return id;
    }

    @Override
    public List<Partition> listPartitions() throws GuestFsException {
        deviceWait.awaitDisks();
        DeviceNames names = names();
        return partitions().stream().map(p -> new Partition(names.toUser(p.device()), names.toUser(p.disk()), p.number(),
                p.start(), p.size(), p.tableType(), p.type(), p.uuid())).toList();
    }

    /** Kernel disk names to the names users see (see {@link DeviceNames}). */
    private DeviceNames names() {
        return DeviceNames.of(sysBlock.userNames());
    }

    private List<Partition> partitions() throws GuestFsException {
        return probePartitions().partitions();
    }

    /** Partitions in kernel names, with their GPT names (PARTLABEL) by device. */
    private record ProbedPartitions(List<Partition> partitions, Map<String, String> labels) {
    }

    private ProbedPartitions probePartitions() throws GuestFsException {
        List<String> devices = new ArrayList<>();
        List<Partition> raw = new ArrayList<>();
        for (String disk : sysBlock.disks()) {
            try {
                for (SysBlock.SysPartition sp : sysBlock.partitions(disk)) {
                    devices.add(devicePath(sp.name()));
                    raw.add(new Partition(devicePath(sp.name()), devicePath(disk), sp.number(), sp.start(), sp.size(),
                            null, null, null));
                }
            } catch (IOException e) {
                throw new GuestFsException(Errno.EIO, devicePath(disk), "cannot read partitions: " + e.getMessage(), e);
            }
        }
        Map<String, Map<String, String>> probed = blkid.probe(devices);
        List<Partition> out = new ArrayList<>(raw.size());
        Map<String, String> labels = new HashMap<>();
        for (Partition p : raw) {
            Map<String, String> props = probed.getOrDefault(p.device(), Map.of());
            out.add(new Partition(p.device(), p.disk(), p.number(), p.start(), p.size(),
                    props.get("PART_ENTRY_SCHEME"), lower(props.get("PART_ENTRY_TYPE")),
                    lower(props.get("PART_ENTRY_UUID"))));
            String name = props.get("PART_ENTRY_NAME");
            if (name != null && !name.isEmpty()) {
                labels.put(p.device(), name);
            }
        }
        return new ProbedPartitions(out, labels);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    @Override
    public List<Filesystem> listFilesystems() throws GuestFsException {
        deviceWait.awaitDisks();
        List<String> devices = new ArrayList<>();
        for (String disk : sysBlock.disks()) {
            try {
                if (sysBlock.partitions(disk).isEmpty()) {
                    devices.add(devicePath(disk));
                }
            } catch (IOException e) {
                throw new GuestFsException(Errno.EIO, devicePath(disk), "cannot read partitions: " + e.getMessage(), e);
            }
        }
        for (Partition p : partitions()) {
            if (p.type() == null || !EXTENDED.contains(p.type())) {
                devices.add(p.device());
            }
        }
        devices.addAll(logicalVolumeDevices());
        Map<String, Map<String, String>> found = blkid.filesystems(devices);
        DeviceNames names = names();
        List<Filesystem> out = new ArrayList<>();
        for (String device : devices) {
            Map<String, String> p = found.getOrDefault(device, Map.of());
            out.add(new Filesystem(names.toUser(device), p.getOrDefault("TYPE", "unknown"), p.getOrDefault("LABEL", ""),
                    p.getOrDefault("UUID", "")));
        }
        return out;
    }

    /** Active logical volumes as {@code /dev/VG/LV} (or {@code /dev/mapper/NAME} when that is missing). */
    private List<String> logicalVolumeDevices() {
        Path mapper = dev.resolve("mapper");
        if (!Files.isDirectory(mapper)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(mapper)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.equals("control")) {
                    continue;
                }
                String lv = Lvm.lvPathOfMapperName(name);
                out.add(lv != null && Files.exists(Path.of(lv)) ? lv : p.toString());
            }
            return out;
        } catch (IOException e) {
            Log.warn("cannot list " + mapper + ": " + e.getMessage());
            return List.of();
        }
    }

    @Override
    public List<LogicalVolume> lvmActivateAll() throws GuestFsException {
        deviceWait.await();
        if (!lvm.available()) {
            Log.warn("no lvm program in the appliance: no logical volumes");
            return List.of();
        }
        return lvm.activateAll();
    }

    // ---------------------------------------------------------------- inspection

    /** Filesystem types inspection never mounts: containers, swap, nothing recognised. */
    private static final Set<String> NOT_MOUNTABLE = Set.of("swap", "LVM2_member", "crypto_LUKS",
            "linux_raid_member", "zfs_member", "unknown", "");

    /**
     * Activates LVM (when there is a physical volume), mounts every filesystem read-only under the inspection directory, runs the inspection
     * rules over them and unmounts them all again (also when inspection fails). A filesystem that does
     * not mount is a warning in the report.
     */
    @Override
    public InspectionReport inspectOs(boolean explain) throws GuestFsException {
        long t0 = System.nanoTime();
        List<Filesystem> filesystems = listFilesystems();
        List<LogicalVolume> lvs = List.of();
        if (filesystems.stream().anyMatch(f -> "LVM2_member".equals(f.type()))) {
            // only then: waiting for every module and running lvm twice costs seconds under TCG
            lvs = lvmActivateAll();
            filesystems = listFilesystems();
        }
        long tLvm = System.nanoTime();
        List<BlockDevice> disks = listDevices();
        DeviceNames names = names();
        ProbedPartitions probed = probePartitions();
        List<Partition> partitions = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        for (Partition p : probed.partitions()) {
            partitions.add(new Partition(names.toUser(p.device()), names.toUser(p.disk()), p.number(), p.start(),
                    p.size(), p.tableType(), p.type(), p.uuid()));
            String label = probed.labels().get(p.device());
            if (label != null) {
                labels.put(names.toUser(p.device()), label);
            }
        }
        long tList = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Map<String, Path> mounted = new LinkedHashMap<>();
        long tMount = 0;
        long tRules = 0;
        try {
            int n = 0;
            for (Filesystem fs : filesystems) {
                if (NOT_MOUNTABLE.contains(fs.type())) {
                    continue;
                }
                Path target = inspectDir.resolve(Integer.toString(n++));
                try {
                    Files.createDirectories(target);
                    String device = names.toKernel(fs.device());
                    deviceWait.awaitFilesystem(fs.type());
                    mounts.mount(device, fs.device(), target, readOnlyOptions(fs.type()), fs.type());
                    mounted.put(fs.device(), target);
                } catch (IOException e) {
                    warnings.add(fs.device() + ": not inspected: cannot mount it read-only (" + fs.type() + "): "
                            + e.getMessage());
                }
            }
            tMount = System.nanoTime();
            InspectionReport report = Inspector.create().inspect(
                    new InspectionInput(disks, partitions, labels, filesystems, lvs, mounted), explain);
            tRules = System.nanoTime();
            warnings.addAll(report.warnings());
            return new InspectionReport(report.roots(), warnings, report.explanations());
        } finally {
            for (Path target : mounted.values()) {
                try {
                    mounts.unmount(target);
                    Files.deleteIfExists(target);
                } catch (IOException e) {
                    Log.warn("inspection: " + e.getMessage());
                }
            }
            long end = System.nanoTime();
            Log.info("inspection: filesystems and lvm " + ms(tLvm - t0) + " ms, disks and partitions " + ms(tList - tLvm) + " ms, mounts "
                    + (tMount == 0 ? "-" : ms(tMount - tList)) + " ms, rules " + (tRules == 0 ? "-" : ms(tRules - tMount))
                    + " ms, unmounts " + (tRules == 0 ? "-" : ms(end - tRules)) + " ms");
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Read-only mount options that also keep a journal from being replayed. */
    static String readOnlyOptions(String fstype) {
        return switch (fstype) {
            case "ext3", "ext4" -> "ro,noload";
            case "xfs" -> "ro,norecovery";
            default -> "ro";
        };
    }

    // ---------------------------------------------------------------- mounts

    @Override
    public void mount(String userDevice, String mountpoint, String options, String fstype) throws GuestFsException {
        long t0 = System.nanoTime();
        deviceWait.awaitDisks();
        long tDisks = System.nanoTime();
        String device = names().toKernel(userDevice);
        try {
            requireBlockDevice(device);
            Path target = sysroot.realDirectory(mountpoint == null || mountpoint.isEmpty() ? "/" : mountpoint);
            String type = fstype == null || fstype.isBlank() ? detectType(device) : fstype;
            long tType = System.nanoTime();
            deviceWait.awaitFilesystem(type);
            long tModule = System.nanoTime();
            mounts.mount(device, mountpoint, target, options, type);
            Log.info("mount " + userDevice + ": disks " + ms(tDisks - t0) + " ms, type " + ms(tType - tDisks) + " ms, module "
                    + ms(tModule - tType) + " ms, mount " + ms(System.nanoTime() - tModule) + " ms");
        } catch (GuestFsException e) {
            if (device.equals(e.path()) && !device.equals(userDevice)) {
                throw new GuestFsException(e.errno(), userDevice, e.reason(), e); // the name the user gave
            }
            throw e;
        }
    }

    private String detectType(String device) throws GuestFsException {
        Map<String, String> p = blkid.probe(List.of(device)).getOrDefault(device, Map.of());
        return p.get("TYPE");
    }

    private static void requireBlockDevice(String device) throws GuestFsException {
        if (device == null || !device.startsWith("/dev/") || device.contains("/../")) {
            throw new GuestFsException(Errno.EINVAL, device, "not a device path under /dev");
        }
        FileType type;
        try {
            type = Libc.fstatat(AT_FDCWD, device, 0).type();
        } catch (PosixException e) {
            throw new GuestFsException(e.errno(), device, e.errno() == Errno.ENOENT
                    ? "no such device (is the drive attached?)" : e.getMessage(), e);
        }
        if (type != FileType.BLOCK_DEVICE) {
            throw new GuestFsException(Errno.ENOTBLK, device, "not a block device");
        }
    }

    @Override
    public void umountAll() throws GuestFsException {
        Libc.sync();
        mounts.umountAll(sysroot.dir());
    }

    @Override
    public void sync() {
        Libc.sync();
    }

    /**
     * Before the host unplugs the disks: unmounts everything under the sysroot, deactivates every
     * volume group (device-mapper nodes over a disk keep it in use), syncs. Inspection has already
     * unmounted its own mounts.
     */
    @Override
    public void releaseDisks() throws GuestFsException {
        umountAll();
        if (!logicalVolumeDevices().isEmpty() && lvm.available()) {
            lvm.deactivateAll();
        }
        Libc.sync();
    }

    /** Before power-off: sync, then unmount everything under the sysroot (failures are logged). */
    public void prepareShutdown() {
        try {
            umountAll();
        } catch (GuestFsException e) {
            Log.warn("unmount before shutdown: " + e.getMessage());
        }
        Libc.sync();
    }

    private String devicePath(String kernelName) {
        return dev.resolve(kernelName).toString();
    }
}
