package io.jguest.inspection;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds phony guests for tests: directory trees standing for mounted filesystems, and the disk layout around them. */
final class GuestTree {
    private final Path base;
    private final List<BlockDevice> disks = new ArrayList<>();
    private final List<Partition> partitions = new ArrayList<>();
    private final Map<String, String> partLabels = new HashMap<>();
    private final List<Filesystem> filesystems = new ArrayList<>();
    private final List<LogicalVolume> lvs = new ArrayList<>();
    private final Map<String, Path> mounted = new LinkedHashMap<>();

    GuestTree(Path base) {
        this.base = base;
    }

    GuestTree disk(String dev, String table, String diskId) {
        disks.add(new BlockDevice(dev, 1L << 30, true, table, diskId));
        return this;
    }

    GuestTree partition(String dev, String disk, int number, long start, String uuid) {
        String table = disks.stream().filter(d -> d.device().equals(disk)).findFirst().orElseThrow().tableType();
        partitions.add(new Partition(dev, disk, number, start, 1L << 20, table, "0x83", uuid));
        return this;
    }

    GuestTree partLabel(String dev, String label) {
        partLabels.put(dev, label);
        return this;
    }

    GuestTree lv(String dev, String vg, String lv) {
        lvs.add(new LogicalVolume(dev, vg, lv, 1L << 28));
        return this;
    }

    /** A filesystem, mounted at a fresh directory whose path is returned. */
    Path fs(String dev, String type, String label, String uuid) throws IOException {
        filesystems.add(new Filesystem(dev, type, label, uuid));
        Path root = Files.createDirectories(base.resolve("fs" + mounted.size()));
        mounted.put(dev, root);
        return root;
    }

    /** A filesystem blkid knows that is not mounted (swap). */
    GuestTree unmountedFs(String dev, String type, String uuid) {
        filesystems.add(new Filesystem(dev, type, "", uuid));
        return this;
    }

    InspectionInput input() {
        return new InspectionInput(disks, partitions, partLabels, filesystems, lvs, mounted);
    }

    static Path write(Path root, String guestPath, String content) throws IOException {
        return write(root, guestPath, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path root, String guestPath, byte[] content) throws IOException {
        Path p = root.resolve(guestPath.substring(1));
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    static void mkdirs(Path root, String... guestPaths) throws IOException {
        for (String g : guestPaths) {
            Files.createDirectories(root.resolve(g.substring(1)));
        }
    }

    static void symlink(Path root, String guestPath, String target) throws IOException {
        Path p = root.resolve(guestPath.substring(1));
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** The host's /bin/dash (a real ELF executable of the host's architecture) at {@code guestPath}. */
    static void hostElf(Path root, String guestPath) throws IOException {
        Path src = Files.exists(Path.of("/bin/dash")) ? Path.of("/bin/dash") : Path.of("/bin/sh");
        write(root, guestPath, Files.readAllBytes(src.toRealPath()));
    }

    /** The architecture name libguestfs gives the host's binaries. */
    static String hostArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
    }
}
