package io.jguest.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** The byte stream the daemon serves: the virtio-serial port, or stdin/stdout. */
record Channel(String name, InputStream in, OutputStream out) {
    private static final int BUFFER = 256 * 1024;

    /** stdin/stdout; {@code System.out} is pointed at stderr so that no stray print corrupts the stream. */
    static Channel stdio() {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), BUFFER);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return new Channel("stdio", new BufferedInputStream(unseekable(new FileInputStream(FileDescriptor.in)), BUFFER), out);
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
                return new Channel(device.toString(), new BufferedInputStream(unseekable(new FileInputStream(fd)), BUFFER),
                        new BufferedOutputStream(new FileOutputStream(fd), BUFFER));
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
     * A stream whose {@code available()} is always 0. {@code BufferedInputStream} asks it after a short
     * read, and {@code FileInputStream.available()} falls back to seeking on a character device that
     * does not answer FIONREAD, which fails with "Illegal seek" on a virtio-serial port.
     */
    static InputStream unseekable(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int available() {
                return 0;
            }
        };
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
