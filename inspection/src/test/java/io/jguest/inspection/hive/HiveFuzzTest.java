package io.jguest.inspection.hive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutations of real hives (byte flips; random, extreme and self-referring 32-bit values and
 * random 16-bit counts written into the fields of allocated cells; truncations). Each mutant is
 * opened and its whole tree walked with every lookup; every step must succeed or throw a
 * HiveException. Anything else (a runtime exception, an error such as an out-of-memory or a stack
 * overflow) fails the test with the mutant's seed. The timeout only detects hangs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HiveFuzzTest {
    private static final int MUTANTS = 1000;

    /** Outcome counts of one hive's mutants. */
    private static final class Outcomes {
        int refused;
        int damaged;
        int clean;
    }

    @ParameterizedTest
    @ValueSource(strings = {"software.hive", "system.hive", "stress.hive.gz", "builder"})
    void mutantsGiveHiveExceptionsOnly(String source) {
        byte[] base = source.equals("builder") ? HiveTest.listsAndBigData() : Hives.resource(source);
        int[] cells = allocatedCells(base);
        Outcomes outcomes = new Outcomes();
        for (int i = 0; i < MUTANTS; i++) {
            long seed = source.hashCode() * 1_000_003L + i;
            byte[] mutant = mutate(base, cells, new Random(seed));
            try {
                Hive hive;
                try {
                    hive = Hive.parse(ByteBuffer.wrap(mutant));
                } catch (HiveException e) {
                    outcomes.refused++;
                    continue;
                }
                if (walk(hive)) {
                    outcomes.clean++;
                } else {
                    outcomes.damaged++;
                }
            } catch (RuntimeException | Error e) {
                throw new AssertionError(source + " mutant " + i + " (seed " + seed + "): " + e, e);
            }
        }
        String counts = source + ": " + outcomes.refused + " refused, " + outcomes.damaged + " partly unreadable, "
                + outcomes.clean + " read in full";
        assertTrue(outcomes.damaged > MUTANTS / 20, "mutations reach the cells: " + counts);
        assertTrue(outcomes.clean > MUTANTS / 20, "harmless mutations still read: " + counts);
    }

    /**
     * Walks every key reached from the root once (by cell), with every lookup on it; returns whether
     * no step threw a HiveException. The reader bounds each step; the visited set bounds the walk.
     */
    static boolean walk(Hive hive) {
        boolean clean = true;
        Set<HiveKey> seen = new HashSet<>();
        Deque<HiveKey> todo = new ArrayDeque<>();
        try {
            todo.push(hive.root());
        } catch (HiveException e) {
            return false;
        }
        while (!todo.isEmpty()) {
            HiveKey key = todo.pop();
            if (!seen.add(key)) {
                continue;
            }
            try {
                for (HiveValue value : key.values()) {
                    value.display();
                    value.toString();
                    key.value(value.name());
                    try {
                        value.asString();
                    } catch (HiveException expected) {
                        // not a string
                    }
                    try {
                        value.asDword();
                    } catch (HiveException expected) {
                        // not a DWORD
                    }
                }
            } catch (HiveException e) {
                clean = false;
            }
            try {
                key.value("");
                key.value("ProductName");
            } catch (HiveException e) {
                clean = false;
            }
            try {
                List<HiveKey> subkeys = key.subkeys();
                subkeys.forEach(todo::push);
                if (!subkeys.isEmpty()) {
                    key.subkey(subkeys.getLast().name().toUpperCase());
                }
                key.subkey("no such key");
            } catch (HiveException e) {
                clean = false;
            }
        }
        try {
            hive.key("\\Microsoft\\Windows NT\\CurrentVersion");
            hive.key("Many\\Key599");
        } catch (HiveException e) {
            clean = false;
        }
        return clean;
    }

    /** Relative offsets of the allocated cells of an intact hive (walking its hbins). */
    static int[] allocatedCells(byte[] hive) {
        ByteBuffer data = ByteBuffer.wrap(hive).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> cells = new ArrayList<>();
        int end = Hive.BASE_BLOCK + data.getInt(0x28);
        for (int bin = Hive.BASE_BLOCK; bin < end; bin += data.getInt(bin + 8)) {
            int binEnd = bin + data.getInt(bin + 8);
            for (int cell = bin + Hive.HBIN_HEADER; cell < binEnd; cell += Math.abs(data.getInt(cell))) {
                if (data.getInt(cell) < 0) {
                    cells.add(cell - Hive.BASE_BLOCK);
                }
            }
        }
        return cells.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One to four mutations of a copy of {@code base}. */
    static byte[] mutate(byte[] base, int[] cells, Random random) {
        byte[] mutant = base.clone();
        ByteBuffer data = ByteBuffer.wrap(mutant).order(ByteOrder.LITTLE_ENDIAN);
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int cell = cells[random.nextInt(cells.length)];
            int field = Hive.BASE_BLOCK + cell + 4 + 2 * random.nextInt(0x28);
            int choice = random.nextInt(20);
            if (choice == 0) {
                return Arrays.copyOf(mutant, random.nextInt(mutant.length));
            } else if (choice < 4) {
                int at = random.nextInt(mutant.length);
                mutant[at] ^= (byte) (1 << random.nextInt(8));
            } else if (choice < 6) {
                int at = Hive.BASE_BLOCK + cell + random.nextInt(0x60);
                if (at < mutant.length) {
                    mutant[at] ^= (byte) (1 << random.nextInt(8));
                }
            } else if (choice < 10) {
                putInt(data, field, interesting(random, mutant.length));
            } else if (choice < 13) {
                putInt(data, field, cell); // the cell points at itself
            } else if (choice < 16) {
                putInt(data, field, cells[random.nextInt(cells.length)]);
            } else if (choice < 19) {
                int counts = Hive.BASE_BLOCK + cell + 4 + 2;
                if (counts + 2 <= mutant.length) {
                    data.putShort(counts, (short) (random.nextBoolean() ? 0xFFFF : random.nextInt(0x10000)));
                }
            } else {
                putInt(data, 0x24 + 4 * random.nextInt(2), interesting(random, mutant.length));
            }
        }
        return mutant;
    }

    private static void putInt(ByteBuffer data, int at, int value) {
        if (at + 4 <= data.capacity()) {
            data.putInt(at, value);
        }
    }

    private static int interesting(Random random, int length) {
        int[] values = {0, -1, 1, 4, 5, 0x7fffffff, 0x80000000, 0x80000004, 0x80000005, 0xFFFF, 16344, 16345,
            1 << 24, (1 << 24) + 1, -8, 0x20};
        return switch (random.nextInt(3)) {
            case 0 -> values[random.nextInt(values.length)];
            case 1 -> random.nextInt(length) & ~7;
            default -> random.nextInt();
        };
    }
}
