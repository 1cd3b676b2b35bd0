package io.jguest.daemon;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The byte stream the daemon serves: the virtio-serial port, or stdin/stdout; unbuffered (the
 * {@link FrameChannel} buffers). {@code fd} is the port's descriptor number, for {@code splice(2)}
 * onto it (-1: unknown, no splicing). Reads and writes go through two objects on the one descriptor: a
 * {@code FileChannel} serializes its reads and writes, and the reader blocks in a read while workers
 * write replies.
 */
record Channel(String name, InputStream in, WritableByteChannel out, int fd) {
    /** stdin/stdout; {@code System.out} is pointed at stderr so that no stray print corrupts the stream. */
    static Channel stdio() {
        WritableByteChannel out = new FileOutputStream(FileDescriptor.out).getChannel();
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return new Channel("stdio", new FileInputStream(FileDescriptor.in), out, -1);
    }

    /**
     * Opens the virtio-serial port named {@code portName}, waiting up to {@code timeout} for it to
     * appear. The port is opened once, read-write (a port allows only one opener).
     */
    static Channel virtioPort(Path virtioPorts, Path dev, String portName, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Path device = findPort(virtioPorts, dev, portName);
            if (device != null && Files.exists(device)) {
                RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw");
                FileDescriptor fd = file.getFD();
                return new Channel(device.toString(), new FileInputStream(fd),
                        new FileOutputStream(fd).getChannel(), descriptorOf(device));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no virtio-serial port named " + portName + " under " + virtioPorts);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + portName, e);
            }
        }
    }

    /**
     * The number of this process's descriptor open on {@code device} (Java does not tell it), from
     * {@code /proc/self/fd}; -1 when there is none or it is ambiguous. A port allows one opener, so
     * the port just opened is the only match.
     */
    static int descriptorOf(Path device) {
        Path fds = Path.of("/proc/self/fd");
        int found = -1;
        try (Stream<Path> links = Files.list(fds)) {
            Path real = device.toRealPath();
            for (Path link : links.toList()) {
                try {
                    if (Files.readSymbolicLink(link).equals(real)) {
                        if (found >= 0) {
                            return -1;
                        }
                        found = Integer.parseInt(link.getFileName().toString());
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile (the listing's own descriptor) or not a number: not ours
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return found;
    }

    /** {@code dev/vportNpM} for the {@code virtioPorts/vportNpM/name} that holds {@code portName}, or null. */
    static Path findPort(Path virtioPorts, Path dev, String portName) throws IOException {
        if (!Files.isDirectory(virtioPorts)) {
            return null;
        }
        try (Stream<Path> ports = Files.list(virtioPorts)) {
            for (Path port : ports.sorted().toList()) {
                Path name = port.resolve("name");
                if (Files.isReadable(name) && Files.readString(name).strip().equals(portName)) {
                    return dev.resolve(port.getFileName().toString());
                }
            }
        }
        return null;
    }
}
