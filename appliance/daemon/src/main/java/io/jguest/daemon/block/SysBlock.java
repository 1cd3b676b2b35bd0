package io.jguest.daemon.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The SCSI disks ({@code sd*}) and their partitions as {@code /sys/block} shows them. */
final class SysBlock {
    private static final long SECTOR = 512;
    /** Kernel order: sda..sdz, then sdaa... */
    static final Comparator<String> DISK_ORDER = Comparator.comparingInt(String::length).thenComparing(s -> s);

    /** A partition: kernel name ({@code sda1}), number, and byte offset and size. */
    record SysPartition(String name, int number, long start, long size) {
    }

    private final Path root;

    SysBlock(Path root) {
        this.root = root;
    }

    /**
     * Sets a disk's read-ahead ({@code queue/read_ahead_kb}); false when the kernel refused it. Large
     * sequential reads through the mount are then read from the disk in few large requests, each one
     * an emulated SCSI command and interrupt.
     */
    boolean setReadAheadKb(String disk, int kb) {
        try {
            Files.writeString(root.resolve(disk).resolve("queue").resolve("read_ahead_kb"), Integer.toString(kb));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Names of the {@code sd*} disks in the order the drives were attached: by SCSI address
     * (host:channel:target:lun, from the {@code device} link), else by name. The kernel probes SCSI
     * disks asynchronously, so with several vCPUs {@code sdb} may be the first drive.
     */
    List<String> disks() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("sd"))
                    .sorted(Comparator.comparing(this::scsiAddress, SysBlock::compareAddresses).thenComparing(DISK_ORDER))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The disks keyed by kernel name, valued by the name of the same position in kernel order. */
    Map<String, String> userNames() {
        List<String> ordered = disks();
        List<String> names = ordered.stream().sorted(DISK_ORDER).toList();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            out.put(ordered.get(i), names.get(i));
        }
        return out;
    }

    /** {@code [host, channel, target, lun]} of a disk, or an empty array when unknown. */
    private long[] scsiAddress(String disk) {
        try {
            String link = Files.readSymbolicLink(root.resolve(disk).resolve("device")).getFileName().toString();
            String[] parts = link.split(":");
            if (parts.length != 4) {
                return new long[0];
            }
            long[] a = new long[4];
            for (int i = 0; i < 4; i++) {
                a[i] = Long.parseLong(parts[i]);
            }
            return a;
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    private static int compareAddresses(long[] a, long[] b) {
        return java.util.Arrays.compare(a, b);
    }

    long sizeBytes(String disk) throws IOException {
        return readLong(root.resolve(disk).resolve("size")) * SECTOR;
    }

    boolean readOnly(String disk) throws IOException {
        return readLong(root.resolve(disk).resolve("ro")) != 0;
    }

    /** The disk's partitions (subdirectories with a {@code partition} file), by number. */
    List<SysPartition> partitions(String disk) throws IOException {
        List<SysPartition> parts = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve(disk))) {
            for (Path dir : s.toList()) {
                if (Files.isRegularFile(dir.resolve("partition"))) {
                    parts.add(new SysPartition(dir.getFileName().toString(), (int) readLong(dir.resolve("partition")),
                            readLong(dir.resolve("start")) * SECTOR, readLong(dir.resolve("size")) * SECTOR));
                }
            }
        }
        parts.sort(Comparator.comparingInt(SysPartition::number));
        return parts;
    }

    private static long readLong(Path file) throws IOException {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number", e);
        }
    }
}
