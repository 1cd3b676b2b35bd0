package io.jguest.appliance.build;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dynamic-linking facts of one ELF file, read without running it: the program interpreter
 * ({@code PT_INTERP}), {@code DT_NEEDED}, {@code DT_RPATH} and {@code DT_RUNPATH}. Only 64-bit
 * little-endian files are read in full; others report their class and machine only, so a resolver can
 * reject them as candidates.
 *
 * @param is64        ELFCLASS64
 * @param machine     {@code e_machine} (62 = x86-64)
 * @param interpreter the {@code PT_INTERP} path, or null for a static or shared object without one
 * @param dynamic     true if the file has a {@code PT_DYNAMIC} segment
 * @param needed      {@code DT_NEEDED} sonames in order
 * @param rpath       {@code DT_RPATH} entries
 * @param runpath     {@code DT_RUNPATH} entries
 */
record ElfFile(boolean is64, int machine, String interpreter, boolean dynamic, List<String> needed,
               List<String> rpath, List<String> runpath) {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;

    /** True for a binary needing no loader or shared libraries (e.g. busybox-static). */
    boolean isStatic() {
        return interpreter == null && needed.isEmpty();
    }

    /** Reads {@code file}; empty if it is not an ELF file. */
    static Optional<ElfFile> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer ident = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            if (readFully(ch, ident, 0) < 20) {
                return Optional.empty();
            }
            if (ident.get(0) != 0x7f || ident.get(1) != 'E' || ident.get(2) != 'L' || ident.get(3) != 'F') {
                return Optional.empty();
            }
            boolean is64 = ident.get(4) == 2;
            boolean little = ident.get(5) == 1;
            ident.order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            int machine = Short.toUnsignedInt(ident.getShort(18));
            if (!is64 || !little || ident.limit() < 64) {
                return Optional.of(new ElfFile(is64, machine, null, false, List.of(), List.of(), List.of()));
            }
            long phoff = ident.getLong(0x20);
            int phentsize = Short.toUnsignedInt(ident.getShort(0x36));
            int phnum = Short.toUnsignedInt(ident.getShort(0x38));
            if (phentsize < 56 || phnum == 0 || phnum > 4096) {
                return Optional.of(new ElfFile(true, machine, null, false, List.of(), List.of(), List.of()));
            }
            ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, ph, phoff);
            String interp = null;
            long dynOff = -1;
            long dynSize = 0;
            List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
            for (int i = 0; i < phnum; i++) {
                int base = i * phentsize;
                int type = ph.getInt(base);
                long offset = ph.getLong(base + 8);
                long vaddr = ph.getLong(base + 16);
                long filesz = ph.getLong(base + 32);
                switch (type) {
                    case PT_INTERP -> interp = readString(ch, offset, (int) Math.min(filesz, 4096));
                    case PT_DYNAMIC -> {
                        dynOff = offset;
                        dynSize = filesz;
                    }
                    case PT_LOAD -> loads.add(new long[] {vaddr, offset, filesz});
                    default -> { }
                }
            }
            if (dynOff < 0) {
                return Optional.of(new ElfFile(true, machine, interp, false, List.of(), List.of(), List.of()));
            }
            ByteBuffer dyn = ByteBuffer.allocate((int) Math.min(dynSize, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
            int dynRead = readFully(ch, dyn, dynOff);
            long strtabVaddr = -1;
            List<Long> neededOffs = new ArrayList<>();
            List<Long> rpathOffs = new ArrayList<>();
            List<Long> runpathOffs = new ArrayList<>();
            for (int p = 0; p + 16 <= dynRead; p += 16) {
                long tag = dyn.getLong(p);
                long val = dyn.getLong(p + 8);
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    neededOffs.add(val);
                } else if (tag == DT_STRTAB) {
                    strtabVaddr = val;
                } else if (tag == DT_RPATH) {
                    rpathOffs.add(val);
                } else if (tag == DT_RUNPATH) {
                    runpathOffs.add(val);
                }
            }
            long strtab = -1;
            for (long[] l : loads) {
                if (strtabVaddr >= l[0] && strtabVaddr < l[0] + l[2]) {
                    strtab = strtabVaddr - l[0] + l[1];
                    break;
                }
            }
            if (strtab < 0) {
                return Optional.of(new ElfFile(true, machine, interp, true, List.of(), List.of(), List.of()));
            }
            return Optional.of(new ElfFile(true, machine, interp, true, strings(ch, strtab, neededOffs),
                    paths(strings(ch, strtab, rpathOffs)), paths(strings(ch, strtab, runpathOffs))));
        }
    }

    private static List<String> strings(FileChannel ch, long strtab, List<Long> offs) throws IOException {
        List<String> out = new ArrayList<>();
        for (long off : offs) {
            out.add(readString(ch, strtab + off, 4096));
        }
        return List.copyOf(out);
    }

    private static List<String> paths(List<String> joined) {
        List<String> out = new ArrayList<>();
        for (String j : joined) {
            for (String p : j.split(":")) {
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return List.copyOf(out);
    }

    private static String readString(FileChannel ch, long offset, int max) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(max);
        int n = readFully(ch, b, offset);
        int end = 0;
        while (end < n && b.get(end) != 0) {
            end++;
        }
        return new String(b.array(), 0, end, StandardCharsets.UTF_8);
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        b.flip();
        return total;
    }
}
