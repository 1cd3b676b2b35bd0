package io.jguest.appliance.build;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes an uncompressed initramfs: a cpio archive in the "newc" format the kernel unpacks. Every entry
 * is owned by 0:0 and has the same fixed mtime, and inode numbers count up from 1, so the same inputs
 * always give the same bytes. Device nodes can be written without root privileges. Parent directories
 * must be added before their entries (the kernel does not create them).
 */
final class CpioWriter implements AutoCloseable {
    /** Fixed mtime of every entry (seconds since the epoch). */
    static final long MTIME = 0;

    private final CpioArchiveOutputStream out;
    private final Set<String> names = new HashSet<>();
    private long nextInode = 1;

    CpioWriter(OutputStream sink) {
        this.out = new CpioArchiveOutputStream(new BufferedOutputStream(sink, 1 << 16), CpioConstants.FORMAT_NEW);
    }

    static CpioWriter create(Path file) throws IOException {
        return new CpioWriter(Files.newOutputStream(file));
    }

    /** A directory, e.g. {@code dir("proc", 0755)}. Names are relative ({@code "lib/modules"}). */
    CpioWriter dir(String name, int perm) throws IOException {
        put(entry(name, CpioConstants.C_ISDIR | perm, 0, 2), null);
        return this;
    }

    CpioWriter file(String name, int perm, byte[] content) throws IOException {
        put(entry(name, CpioConstants.C_ISREG | perm, content.length, 1), content);
        return this;
    }

    CpioWriter file(String name, int perm, Path source) throws IOException {
        long size = Files.size(source);
        CpioArchiveEntry e = entry(name, CpioConstants.C_ISREG | perm, size, 1);
        out.putArchiveEntry(e);
        try (InputStream in = Files.newInputStream(source)) {
            long copied = in.transferTo(out);
            if (copied != size) {
                throw new IOException(source + " changed while being archived");
            }
        }
        out.closeArchiveEntry();
        return this;
    }

    CpioWriter symlink(String name, String target) throws IOException {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        put(entry(name, CpioConstants.C_ISLNK | 0777, t.length, 1), t);
        return this;
    }

    /** A character device node, e.g. {@code charDevice("dev/console", 0600, 5, 1)}. */
    CpioWriter charDevice(String name, int perm, int major, int minor) throws IOException {
        CpioArchiveEntry e = entry(name, CpioConstants.C_ISCHR | perm, 0, 1);
        e.setRemoteDeviceMaj(major);
        e.setRemoteDeviceMin(minor);
        put(e, null);
        return this;
    }

    private CpioArchiveEntry entry(String name, int mode, long size, int links) {
        if (name.startsWith("/") || !names.add(name)) {
            throw new IllegalArgumentException("bad or duplicate cpio entry name: " + name);
        }
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        e.setMode(mode);
        e.setUID(0);
        e.setGID(0);
        e.setTime(MTIME);
        e.setNumberOfLinks(links);
        e.setInode(nextInode++);
        return e;
    }

    private void put(CpioArchiveEntry e, byte[] content) throws IOException {
        out.putArchiveEntry(e);
        if (content != null) {
            out.write(content);
        }
        out.closeArchiveEntry();
    }

    /** Writes the trailer and closes the file. */
    @Override
    public void close() throws IOException {
        out.finish();
        out.close();
    }
}
