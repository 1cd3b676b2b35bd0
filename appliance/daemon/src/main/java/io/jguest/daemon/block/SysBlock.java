package io.jguest.daemon.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /** Names of the {@code sd*} disks, in kernel order; empty when there is no such directory. */
    List<String> disks() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("sd")).sorted(DISK_ORDER).toList();
        } catch (IOException e) {
            return List.of();
        }
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
