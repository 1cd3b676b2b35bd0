package io.jguest.inspection.hive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * A registry hive file, parsed lazily. Immutable and thread-safe.
 *
 * <p>Layout (all offsets in cells are relative to the end of the 4 KiB base block): a base block
 * ({@code regf}, root cell offset at 0x24, size of the hive bins at 0x28), then hive bins
 * ({@code hbin}, multiples of 4 KiB) made of cells (a signed 32-bit size, negative when allocated,
 * then the data). {@link #parse} checks the base block and walks the hbin headers; a corrupt hbin
 * header ends the usable bins there, and a lookup that needs a cell beyond it fails then. The file's
 * checksum is not checked (nothing here depends on it). All reads are absolute gets on one
 * buffer that is never modified, so concurrent lookups are safe.
 */
public final class Hive {
    /** Size of the base block; cell offsets count from here. */
    static final int BASE_BLOCK = 0x1000;
    /** Size of an hbin header; a bin's cells start after it. */
    static final int HBIN_HEADER = 0x20;
    private static final int HBIN_UNIT = 0x1000;

    private final ByteBuffer data;
    private final String label;
    /** Absolute start of each usable hbin, then the end of the last one. */
    private final int[] bounds;
    private final int binCount;
    /** Why the bins stop before the header's bins size, or null when they do not. */
    private final String binsProblem;
    private final int rootCell;

    private Hive(ByteBuffer data, String label, int[] bounds, int binCount, String binsProblem, int rootCell) {
        this.data = data;
        this.label = label;
        this.bounds = bounds;
        this.binCount = binCount;
        this.binsProblem = binsProblem;
        this.rootCell = rootCell;
    }

    /**
     * A hive over {@code data} (position 0 is the file's first byte; the buffer is not modified).
     * Checks the base block and the first hbin; later corruption is found when a lookup reaches it.
     */
    public static Hive parse(ByteBuffer data) throws HiveException {
        return parse(data, "hive");
    }

    /** Maps {@code file} read-only; a file over {@code maxBytes} is refused with a HiveException. */
    public static Hive open(Path file, long maxBytes) throws IOException, HiveException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long limit = Math.min(maxBytes, Integer.MAX_VALUE);
            if (size > limit) {
                throw new HiveException(file + ": " + size + " bytes, more than the limit of " + limit + " for a hive");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return parse(mapped, file.toString());
        }
    }

    /** {@link #parse(ByteBuffer)} with {@code label} (the file name) at the start of every error message. */
    static Hive parse(ByteBuffer source, String label) throws HiveException {
        ByteBuffer data = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int size = data.limit();
        if (size < BASE_BLOCK + HBIN_HEADER) {
            throw new HiveException(label + ": " + size + " bytes, too short for a registry hive");
        }
        if (data.get(0) != 'r' || data.get(1) != 'e' || data.get(2) != 'g' || data.get(3) != 'f') {
            throw new HiveException(label + ": not a registry hive (no regf signature)");
        }
        int major = data.getInt(0x14);
        if (major != 1) {
            throw new HiveException(label + ": unsupported hive format version " + Integer.toUnsignedString(major)
                    + "." + Integer.toUnsignedString(data.getInt(0x18)));
        }
        long binsSize = Integer.toUnsignedLong(data.getInt(0x28));
        if (binsSize == 0 || binsSize % HBIN_UNIT != 0) {
            throw new HiveException(label + ": hive bins size 0x" + Long.toHexString(binsSize)
                    + " in the base block is not a positive multiple of 4096");
        }
        if (binsSize > size - BASE_BLOCK) {
            throw new HiveException(label + ": truncated: the base block says 0x" + Long.toHexString(binsSize)
                    + " bytes of hive bins, the file has 0x" + Integer.toHexString(size - BASE_BLOCK));
        }
        int end = BASE_BLOCK + (int) binsSize;
        int[] bounds = new int[(int) (binsSize / HBIN_UNIT) + 1];
        int count = 0;
        int pos = BASE_BLOCK;
        String problem = null;
        while (pos < end) {
            problem = binProblem(data, pos, end);
            if (problem != null) {
                break;
            }
            bounds[count++] = pos;
            pos += data.getInt(pos + 8);
        }
        if (count == 0) {
            throw new HiveException(label + ": the first hive bin is corrupt: " + problem);
        }
        bounds[count] = pos;
        return new Hive(data, label, bounds, count, problem, data.getInt(0x24));
    }

    /** Why the hbin header at absolute {@code pos} is unusable, or null when it is fine. */
    private static String binProblem(ByteBuffer data, int pos, int end) {
        String at = "hbin at 0x" + Integer.toHexString(pos) + ": ";
        if (data.get(pos) != 'h' || data.get(pos + 1) != 'b' || data.get(pos + 2) != 'i' || data.get(pos + 3) != 'n') {
            return at + "no hbin signature";
        }
        int relative = data.getInt(pos + 4);
        if (relative != pos - BASE_BLOCK) {
            return at + "its header says it is at 0x" + Integer.toHexString(relative);
        }
        int binSize = data.getInt(pos + 8);
        if (binSize < HBIN_UNIT || binSize % HBIN_UNIT != 0 || binSize > end - pos) {
            return at + "size 0x" + Integer.toHexString(binSize) + " is not a multiple of 4096 inside the hive bins";
        }
        return null;
    }

    public HiveKey root() throws HiveException {
        return KeyNode.root(this);
    }

    /**
     * The key at {@code path} below the root: names separated by backslashes, a leading backslash
     * optional ({@code \Microsoft\Windows NT\CurrentVersion}), each matched case-insensitively.
     * Empty names (doubled backslashes) are skipped.
     */
    public Optional<HiveKey> key(String path) throws HiveException {
        HiveKey key = root();
        for (String name : path.split("\\\\")) {
            if (name.isEmpty()) {
                continue;
            }
            Optional<HiveKey> next = key.subkey(name);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            key = next.get();
        }
        return Optional.of(key);
    }

    @Override
    public String toString() {
        return "Hive[" + label + "]";
    }

    // ---- package-private access for Lookup

    ByteBuffer data() {
        return data;
    }

    String label() {
        return label;
    }

    int rootCell() {
        return rootCell;
    }

    /** The index of the hbin holding absolute position {@code pos}, or -1 when no usable bin does. */
    int binIndex(long pos) {
        if (pos < bounds[0] || pos >= bounds[binCount]) {
            return -1;
        }
        int i = Arrays.binarySearch(bounds, 0, binCount, (int) pos);
        return i >= 0 ? i : -i - 2;
    }

    /** Absolute start of hbin {@code index}. */
    int binStart(int index) {
        return bounds[index];
    }

    /** Absolute end of hbin {@code index}. */
    int binEnd(int index) {
        return bounds[index + 1];
    }

    /** Why cells past the usable bins cannot be read, or null when every bin is usable. */
    String binsProblem() {
        return binsProblem;
    }
}
