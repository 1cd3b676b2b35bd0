package io.jguest.cli.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of files and byte arrays: the same seed and the same calls give the same mutations,
 * so a failing case is reproduced from the seed it prints; {@link #toString()} lists what was changed.
 * Seed 0 changes nothing: the unmutated image, the control that proves a harness sees a good image as good.
 */
final class Mutator {
    /** Byte values that parsers treat specially: bounds, signs, and MBR partition types (extended, GPT). */
    private static final int[] BOUNDARY_BYTES = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x05, 0x0f, 0xee, 0x83};
    /** 32-bit values that overflow sizes, counts and offsets. */
    private static final int[] BOUNDARY_INTS = {0, -1, 0x7fffffff, 0x80000000, 0x10000, 0xffff};

    private final long seed;
    private final Random random;
    private final List<String> changes = new ArrayList<>();

    Mutator(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A number in [min, max], from the seed. */
    int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    /**
     * Changes {@code count} places of {@code file} in place, at offsets in [from, to) (clipped to the
     * file): a flipped bit, a random byte, a boundary byte, or a boundary 32-bit little-endian value.
     */
    void inPlace(Path file, long from, long to, int count) throws IOException {
        if (seed == 0) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long end = Math.min(to, f.length());
            if (end <= from) {
                throw new IllegalArgumentException(file + ": no bytes in [" + from + ", " + to + ")");
            }
            for (int i = 0; i < count; i++) {
                long at = from + (long) (random.nextDouble() * (end - from));
                f.seek(at);
                int old = f.read();
                int kind = random.nextInt(4);
                if (kind == 3 && at + 4 <= end) {
                    int value = BOUNDARY_INTS[random.nextInt(BOUNDARY_INTS.length)];
                    f.seek(at);
                    f.write(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
                    changes.add(String.format("@%d: int32 %#x", at, value));
                    continue;
                }
                int now = switch (kind) {
                    case 0 -> old ^ (1 << random.nextInt(8));
                    case 1 -> random.nextInt(256);
                    default -> BOUNDARY_BYTES[random.nextInt(BOUNDARY_BYTES.length)];
                };
                f.seek(at);
                f.write(now);
                changes.add(String.format("@%d: %02x->%02x", at, old, now));
            }
        }
    }

    /**
     * {@code count} edits of a text-like file's bytes: the in-place kinds plus inserted random bytes,
     * deleted ranges, and a chunk repeated into a very long line.
     */
    byte[] edit(byte[] data, int count) {
        if (seed == 0) {
            return data;
        }
        byte[] out = data;
        for (int i = 0; i < count; i++) {
            int at = out.length == 0 ? 0 : random.nextInt(out.length);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(out, 0, at);
            switch (random.nextInt(5)) {
                case 0 -> {
                    byte[] junk = new byte[between(1, 64)];
                    random.nextBytes(junk);
                    b.writeBytes(junk);
                    b.write(out, at, out.length - at);
                    changes.add("@" + at + ": inserted " + junk.length + " random bytes");
                }
                case 1 -> {
                    int n = Math.min(out.length - at, between(1, 64));
                    b.write(out, at + n, out.length - at - n);
                    changes.add("@" + at + ": deleted " + n + " bytes");
                }
                case 2 -> {
                    int n = Math.min(out.length - at, between(1, 16));
                    int times = between(100, 20_000);
                    for (int t = 0; t < times; t++) {
                        b.write(out, at, n);
                    }
                    b.write(out, at, out.length - at);
                    changes.add("@" + at + ": " + n + " bytes repeated " + times + " times");
                }
                default -> {
                    if (at < out.length) {
                        int old = out[at] & 0xff;
                        int now = random.nextBoolean() ? old ^ (1 << random.nextInt(8))
                                : BOUNDARY_BYTES[random.nextInt(BOUNDARY_BYTES.length)];
                        b.write(now);
                        b.write(out, at + 1, out.length - at - 1);
                        changes.add(String.format("@%d: %02x->%02x", at, old, now));
                    }
                }
            }
            out = b.toByteArray();
        }
        return out;
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + (changes.isEmpty() ? "no change" : String.join(", ", changes));
    }
}
