package io.jguest.appliance.build;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Extracts the uncompressed kernel ({@code vmlinux}, an ELF file) from an x86 bzImage, so qemu can boot
 * it directly through its PVH entry point ({@code -kernel vmlinux}). Under TCG this skips the
 * in-guest decompression of the kernel, which costs about 2 s of the boot. Done only when the kernel
 * has a PVH entry note ({@code CONFIG_PVH=y}, as Debian, Ubuntu and Fedora kernels do); otherwise the
 * bzImage is booted as is.
 *
 * <p>The payload is located with the boot protocol header (version 2.08+: {@code setup_sects} at
 * 0x1f1, {@code payload_offset} at 0x248, {@code payload_length} at 0x24c) and decompressed with the
 * host's xz, zstd, gzip, lz4 or bzip2.
 */
final class KernelImage {
    private static final Logger LOG = LoggerFactory.getLogger(KernelImage.class);
    private static final int PT_NOTE = 4;
    /** XEN_ELFNOTE_PHYS32_ENTRY: the PVH entry point. */
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    private KernelImage() {
    }

    /**
     * Writes the bzImage's uncompressed ELF kernel to {@code out} if it can be booted by PVH; returns
     * false (and leaves no {@code out}) otherwise.
     */
    static boolean extractPvhKernel(Path bzImage, Path out) {
        try {
            Optional<String[]> tool = payload(bzImage, out.resolveSibling(out.getFileName() + ".payload"));
            if (tool.isEmpty()) {
                return false;
            }
            Path payload = out.resolveSibling(out.getFileName() + ".payload");
            try {
                Optional<Path> exe = HostCommand.find(tool.get()[0]);
                if (exe.isEmpty()) {
                    LOG.debug("no {} to decompress {}", tool.get()[0], bzImage);
                    return false;
                }
                // the payload ends with the 4-byte uncompressed size, which some tools call trailing
                // garbage: the exit status is ignored and the output is checked instead
                Process p = new ProcessBuilder(exe.get().toString(), tool.get()[1], payload.toString())
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
            } finally {
                Files.deleteIfExists(payload);
            }
            if (isCompletePvhElf(out)) {
                return true;
            }
            LOG.debug("{}: decompressed kernel is not a complete ELF with a PVH entry note", bzImage);
        } catch (IOException e) {
            LOG.debug("cannot extract vmlinux from {}: {}", bzImage, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(out);
        } catch (IOException ignored) {
            // best effort
        }
        return false;
    }

    /** Copies the compressed payload to {@code dst}; returns {tool, flag} to decompress it to stdout. */
    private static Optional<String[]> payload(Path bzImage, Path dst) throws IOException {
        try (FileChannel ch = FileChannel.open(bzImage, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(0x260).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.position() < 0x250 || h.getInt(0x202) != 0x53726448 /* "HdrS" */
                    || Short.toUnsignedInt(h.getShort(0x206)) < 0x208) {
                return Optional.empty();
            }
            int setupSects = Byte.toUnsignedInt(h.get(0x1f1));
            if (setupSects == 0) {
                setupSects = 4;
            }
            long start = (setupSects + 1) * 512L + Integer.toUnsignedLong(h.getInt(0x248));
            long length = Integer.toUnsignedLong(h.getInt(0x24c));
            if (length < 16 || start + length > ch.size()) {
                return Optional.empty();
            }
            ByteBuffer magic = ByteBuffer.allocate(6);
            ch.read(magic, start);
            byte[] m = magic.array();
            String[] tool;
            if (m[0] == (byte) 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z') {
                tool = new String[] {"xz", "-dc"};
            } else if (m[0] == (byte) 0x28 && m[1] == (byte) 0xb5 && m[2] == (byte) 0x2f && m[3] == (byte) 0xfd) {
                tool = new String[] {"zstd", "-dcq"};
            } else if (m[0] == (byte) 0x1f && (m[1] == (byte) 0x8b || m[1] == (byte) 0x9e)) {
                tool = new String[] {"gzip", "-dc"};
            } else if (m[0] == (byte) 0x02 && m[1] == (byte) 0x21) {
                tool = new String[] {"lz4", "-dc"};
            } else if (m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
                tool = new String[] {"bzip2", "-dc"};
            } else {
                LOG.debug("{}: unknown kernel payload compression", bzImage);
                return Optional.empty();
            }
            try (FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                long done = 0;
                while (done < length) {
                    done += ch.transferTo(start + done, length - done, out);
                }
            }
            return Optional.of(tool);
        }
    }

    /** True if {@code file} is an x86-64 ELF whose loadable segments are all present and which has a PVH note. */
    static boolean isCompletePvhElf(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) < 64) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer e = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(e, 0);
            if (e.getInt(0) != 0x464c457f || e.get(4) != 2 || e.get(5) != 1 || e.getShort(18) != 62) {
                return false;
            }
            long phoff = e.getLong(0x20);
            int phentsize = Short.toUnsignedInt(e.getShort(0x36));
            int phnum = Short.toUnsignedInt(e.getShort(0x38));
            if (phentsize < 56 || phnum == 0 || phoff + (long) phentsize * phnum > size) {
                return false;
            }
            ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(ph, phoff);
            boolean pvh = false;
            for (int i = 0; i < phnum; i++) {
                int b = i * phentsize;
                int type = ph.getInt(b);
                long off = ph.getLong(b + 8);
                long filesz = ph.getLong(b + 32);
                if (off + filesz > size) {
                    return false; // truncated output
                }
                if (type == PT_NOTE && filesz < (1 << 20)) {
                    ByteBuffer n = ByteBuffer.allocate((int) filesz).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(n, off);
                    pvh |= hasNote(n, "Xen", XEN_ELFNOTE_PHYS32_ENTRY);
                }
            }
            return pvh;
        }
    }

    private static boolean hasNote(ByteBuffer n, String name, int type) {
        int p = 0;
        int limit = n.capacity();
        while (p + 12 <= limit) {
            int namesz = n.getInt(p);
            int descsz = n.getInt(p + 4);
            int t = n.getInt(p + 8);
            int nameStart = p + 12;
            if (namesz < 0 || descsz < 0 || nameStart + namesz > limit) {
                return false;
            }
            String nm = new String(n.array(), nameStart, Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
            if (t == type && nm.equals(name)) {
                return true;
            }
            p = nameStart + ((namesz + 3) & ~3) + ((descsz + 3) & ~3);
        }
        return false;
    }
}
