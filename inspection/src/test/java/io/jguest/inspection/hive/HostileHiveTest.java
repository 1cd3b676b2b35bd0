package io.jguest.inspection.hive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Hand-made hostile hives: each must give a one-line HiveException naming the cause, never a
 * runtime exception, an out-of-memory or a hang. The timeout only detects hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileHiveTest {
    private static final int[] NONE = new int[0];

    private static HiveException corrupt(String fragment, Executable action) {
        HiveException e = assertThrows(HiveException.class, action);
        assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static Hive parse(byte[] bytes) throws HiveException {
        return Hive.parse(ByteBuffer.wrap(bytes));
    }

    private static void putInt(byte[] file, int at, int value) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    /** A hive whose root has one subkey, "Key", built by {@code key} from the builder. */
    private interface KeyMaker {
        int make(HiveBuilder builder);
    }

    private static Hive withKey(KeyMaker key) throws HiveException {
        HiveBuilder b = new HiveBuilder();
        int k = key.make(b);
        return parse(b.build(b.key("ROOT", new int[] {k}, NONE)));
    }

    // ---- the file and its base block

    @Test
    void emptyAndShortFiles() {
        corrupt("hive: 0 bytes, too short for a registry hive", () -> parse(new byte[0]));
        corrupt("100 bytes, too short", () -> parse(Arrays.copyOf(Hives.resource("software.hive"), 100)));
    }

    @Test
    void wrongSignature() {
        byte[] file = Hives.resource("software.hive");
        file[2] = 'x';
        corrupt("hive: not a registry hive (no regf signature)", () -> parse(file));
        corrupt("not a registry hive", () -> parse(new byte[8192]));
    }

    @Test
    void truncatedFile() {
        byte[] file = Hives.resource("software.hive");
        corrupt("truncated: the base block says 0x3000 bytes of hive bins, the file has 0x2000",
                () -> parse(Arrays.copyOf(file, 0x3000)));
        corrupt("truncated", () -> parse(Arrays.copyOf(file, file.length - 1)));
    }

    @Test
    void badBaseBlockFields() {
        byte[] version = Hives.resource("software.hive");
        putInt(version, 0x14, 2);
        corrupt("unsupported hive format version 2.5", () -> parse(version));
        byte[] binsSize = Hives.resource("software.hive");
        putInt(binsSize, 0x28, 0x1234);
        corrupt("hive bins size 0x1234 in the base block is not a positive multiple of 4096", () -> parse(binsSize));
        byte[] huge = Hives.resource("software.hive");
        putInt(huge, 0x28, 0x7ffff000);
        corrupt("truncated", () -> parse(huge));
    }

    @Test
    void badFirstHbin() {
        byte[] signature = Hives.resource("software.hive");
        signature[0x1000] = 'x';
        corrupt("the first hive bin is corrupt: hbin at 0x1000: no hbin signature", () -> parse(signature));
        byte[] size = Hives.resource("software.hive");
        putInt(size, 0x1008, 0x10000);
        corrupt("the first hive bin is corrupt: hbin at 0x1000: size 0x10000", () -> parse(size));
    }

    @Test
    void aCorruptLaterHbinEndsTheUsableBins() throws HiveException {
        byte[] file = Hives.resource("software.hive");
        file[0x2001] = 'x';
        Hive hive = parse(file);
        assertEquals("$$$PROTO.HIV", hive.root().name());
        corrupt("outside the hive bins (hbin at 0x2000: no hbin signature)", () -> Hives.dump(hive));
    }

    // ---- cells

    @Test
    void rootCellOutsideTheBinsOrNotAKey() throws HiveException {
        byte[] outside = Hives.resource("software.hive");
        putInt(outside, 0x24, 0x100000);
        corrupt("hive: root key: key at 0x100000: outside the hive bins", () -> parse(outside).root());
        byte[] unaligned = Hives.resource("software.hive");
        putInt(unaligned, 0x24, 0x21);
        corrupt("key at 0x21: not a cell offset", () -> parse(unaligned).root());
        byte[] negative = Hives.resource("software.hive");
        putInt(negative, 0x24, -8);
        corrupt("key at 0xfffffff8: not a cell offset", () -> parse(negative).root());
        byte[] header = Hives.resource("software.hive");
        putInt(header, 0x24, 0x1000);
        corrupt("key at 0x1000: not inside the cells of its hive bin", () -> parse(header).root());
        HiveBuilder b = new HiveBuilder();
        int list = b.lh();
        corrupt("key at 0x" + Integer.toHexString(list) + ": signature \"lh\", expected \"nk\"",
                () -> parse(b.build(list)).root());
    }

    @Test
    void freeAndOversizedCells() throws HiveException {
        HiveBuilder b = new HiveBuilder();
        int root = b.key("ROOT", NONE, NONE);
        byte[] free = b.build(root);
        putInt(free, Hive.BASE_BLOCK + root, 0x58);
        corrupt("the cell is free", () -> parse(free).root());
        byte[] oversized = b.build(root);
        putInt(oversized, Hive.BASE_BLOCK + root, -0x100000);
        corrupt("cell size -1048576 does not fit in its hive bin", () -> parse(oversized).root());
        byte[] minimum = b.build(root);
        putInt(minimum, Hive.BASE_BLOCK + root, Integer.MIN_VALUE);
        corrupt("does not fit in its hive bin", () -> parse(minimum).root());
        byte[] small = b.build(root);
        putInt(small, Hive.BASE_BLOCK + root, -16);
        corrupt("does not fit in the cell's 12 bytes", () -> parse(small).root());
    }

    // ---- subkey lists

    @Test
    void riListReferringToItself() throws HiveException {
        Hive hive = withKey(b -> {
            int ri = b.ri(0);
            b.patch(ri, 4, ri);
            return b.nk("Loop", 1, ri, 0, -1);
        });
        HiveKey loop = hive.key("Loop").orElseThrow();
        corrupt("hive: key \\Loop: subkey list at 0x", loop::subkeys);
        corrupt("an ri list inside an ri list", () -> loop.subkey("x"));
    }

    @Test
    void keyWhoseSubkeyListIsTheKeyItself() throws HiveException {
        Hive hive = withKey(b -> {
            int key = b.nk("Self", 1, -1, 0, -1);
            b.patch(key, 0x1C, key);
            return key;
        });
        corrupt("signature \"nk\", expected \"lf\", \"lh\", \"li\" or \"ri\"", () -> hive.key("Self").orElseThrow().subkeys());
    }

    @Test
    void keyListingItselfAsASubkey() throws HiveException {
        Hive hive = withKey(b -> {
            int key = b.nk("Self", 1, -1, 0, -1);
            b.patch(key, 0x1C, b.lh(key));
            return key;
        });
        HiveKey self = hive.key("Self").orElseThrow();
        corrupt("hive: key \\Self: the key lists itself as a subkey", self::subkeys);
        corrupt("the key lists itself as a subkey", () -> self.subkey("Self"));
    }

    @Test
    void twoKeysListingEachOtherEndAtTheNestingLimit() throws HiveException {
        Hive hive = withKey(b -> {
            int a = b.nk("A", 1, -1, 0, -1);
            int c = b.nk("B", 1, b.lh(a), 0, -1);
            b.patch(a, 0x1C, b.lh(c));
            return a;
        });
        String path = String.join("\\", Collections.nCopies(300, "A\\B"));
        corrupt("keys nested deeper than 512 levels (a loop in the hive?)", () -> hive.key(path));
        assertTrue(hive.key(String.join("\\", Collections.nCopies(256, "A\\B"))).isPresent(), "512 levels are fine");
    }

    @Test
    void aListRepeatedWithoutEndExhaustsTheVisitBudget() throws HiveException {
        Hive hive = withKey(b -> {
            int child = b.key("Child", NONE, NONE);
            int[] same = new int[0xFFFF];
            Arrays.fill(same, child);
            int lh = b.lh(same);
            int[] lists = new int[0xFFFF];
            Arrays.fill(lists, lh);
            return b.nk("Wide", 0xFFFF * 0xFFFF, b.ri(lists), 0, -1);
        });
        HiveKey wide = hive.key("Wide").orElseThrow();
        corrupt("gave up after visiting 262144 cells (a loop in the hive?)", wide::subkeys);
        corrupt("gave up after visiting", () -> wide.subkey("Nothing"));
    }

    @Test
    void countsLargerThanTheirCells() throws HiveException {
        Hive entries = withKey(b -> {
            int lh = b.lh(b.key("A", NONE, NONE));
            b.patch16(lh, 2, 0xFFFF);
            return b.nk("Key", 0xFFFF, lh, 0, -1);
        });
        corrupt("65535 list entries (524280 bytes at +0x4) does not fit in the cell's 12 bytes",
                () -> entries.key("Key").orElseThrow().subkeys());
        Hive values = withKey(b -> b.nk("Key", 0, -1, 1000, b.valueList(b.vk("v", HiveValue.REG_DWORD, new byte[4]))));
        corrupt("1000 value offsets (4000 bytes at +0x0) does not fit in the cell's 4 bytes",
                () -> values.key("Key").orElseThrow().values());
        Hive huge = withKey(b -> b.nk("Key", 0, -1, -1, b.valueList(b.vk("v", HiveValue.REG_DWORD, new byte[4]))));
        corrupt("4294967295 value offsets", () -> huge.key("Key").orElseThrow().value("v"));
    }

    @Test
    void subkeyCountDisagreeingWithTheLists() throws HiveException {
        Hive fewer = withKey(b -> {
            int[] keys = {b.key("A", NONE, NONE), b.key("B", NONE, NONE), b.key("C", NONE, NONE)};
            return b.nk("Key", 5, b.lh(keys), 0, -1);
        });
        corrupt("the key has 5 subkeys, its subkey lists hold 3", () -> fewer.key("Key").orElseThrow().subkeys());
        Hive more = withKey(b -> {
            int[] keys = {b.key("A", NONE, NONE), b.key("B", NONE, NONE), b.key("C", NONE, NONE)};
            return b.nk("Key", 2, b.lh(keys), 0, -1);
        });
        corrupt("the key has 2 subkeys, its subkey lists hold more", () -> more.key("Key").orElseThrow().subkeys());
        assertEquals("A", more.key("Key\\a").orElseThrow().name(), "a lookup that stops early does not count them all");
    }

    @Test
    void deeplyNestedKeysStopAtTheLimit() throws HiveException {
        HiveBuilder b = new HiveBuilder();
        int key = b.key("K513", NONE, NONE);
        for (int depth = 512; depth >= 1; depth--) {
            key = b.key("K" + depth, new int[] {key}, NONE);
        }
        Hive hive = parse(b.build(b.key("ROOT", new int[] {key}, NONE)));
        StringBuilder path = new StringBuilder();
        for (int depth = 1; depth <= 512; depth++) {
            path.append("\\K").append(depth);
        }
        HiveKey deepest = hive.key(path.toString()).orElseThrow();
        assertEquals("K512", deepest.name());
        corrupt("keys nested deeper than 512 levels", deepest::subkeys);
    }

    // ---- values

    @Test
    void valueClaimingTwoGibibytes() throws HiveException {
        Hive hive = withKey(b -> {
            int huge = b.vk("Huge", HiveValue.REG_BINARY, new byte[8]);
            b.patch(huge, 0x04, 0x7fffffff);
            int fine = b.vk("Fine", HiveValue.REG_SZ, HiveTest.utf16z("ok"));
            return b.key("Key", NONE, new int[] {huge, fine});
        });
        HiveKey key = hive.key("Key").orElseThrow();
        corrupt("value \"Huge\" (value at 0x", () -> key.value("Huge"));
        corrupt("claims 2147483647 bytes of data, more than the limit of 16777216", key::values);
        assertEquals("ok", key.value("Fine").orElseThrow().asString());
    }

    @Test
    void valueLargerThanItsCellOrTheLimit() throws HiveException {
        Hive hive = withKey(b -> {
            int big = b.vk("Big", HiveValue.REG_BINARY, new byte[8]);
            b.patch(big, 0x04, 1 << 20);
            int limit = b.vk("Limit", HiveValue.REG_BINARY, new byte[8]);
            b.patch(limit, 0x04, (16 << 20) + 1);
            int inline = b.vk("Inline", HiveValue.REG_BINARY, new byte[4]);
            b.patch(inline, 0x04, 0x80000005);
            int nowhere = b.vk("Nowhere", HiveValue.REG_BINARY, new byte[8]);
            b.patch(nowhere, 0x08, -1);
            return b.key("Key", NONE, new int[] {big, limit, inline, nowhere});
        });
        HiveKey key = hive.key("Key").orElseThrow();
        corrupt("1048576 bytes of data do not fit in the cell's 12 bytes", () -> key.value("Big"));
        corrupt("claims 16777217 bytes of data, more than the limit", () -> key.value("Limit"));
        corrupt("5 bytes of inline data, at most 4 fit", () -> key.value("Inline"));
        corrupt("at 0xffffffff: not a cell offset", () -> key.value("Nowhere"));
    }

    @Test
    void valuesTogetherExhaustTheByteBudget() throws HiveException {
        Hive hive = withKey(b -> {
            int one = b.vk("Big", HiveValue.REG_BINARY, new byte[ValueCell.SEGMENT * 4], true);
            int[] many = new int[600];
            Arrays.fill(many, one);
            return b.key("Key", NONE, many);
        });
        corrupt("gave up after copying more than 33554432 bytes of value data", () -> hive.key("Key").orElseThrow().values());
    }

    @Test
    void corruptBigData() throws HiveException {
        Hive hive = withKey(b -> {
            int few = b.vk("Few", HiveValue.REG_BINARY, new byte[40000], true);
            int fewDb = b.db(new byte[40000]);
            b.patch16(fewDb, 2, 2);
            b.patch(few, 0x08, fewDb);
            int self = b.vk("SelfList", HiveValue.REG_BINARY, new byte[40000], true);
            int selfDb = b.db(new byte[40000]);
            b.patch(selfDb, 4, selfDb);
            b.patch(self, 0x08, selfDb);
            int shortSegment = b.vk("Short", HiveValue.REG_BINARY, new byte[40000], true);
            int shortDb = b.db(new byte[40000]);
            b.patch(shortDb, 4, b.offsets(b.cell(new byte[16]), b.cell(new byte[16]), b.cell(new byte[16])));
            b.patch(shortSegment, 0x08, shortDb);
            return b.key("Key", NONE, new int[] {few, self, shortSegment});
        });
        HiveKey key = hive.key("Key").orElseThrow();
        corrupt("2 segments cannot hold 40000 bytes", () -> key.value("Few"));
        corrupt("segment 0 of value \"SelfList\"", () -> key.value("SelfList"));
        corrupt("the segment's data (16344 bytes at +0x0) does not fit in the cell's 20 bytes", () -> key.value("Short"));
    }

    @Test
    void badValueCells() throws HiveException {
        Hive hive = withKey(b -> {
            int notVk = b.lh();
            int longName = b.vk("Name", HiveValue.REG_SZ, new byte[8]);
            b.patch16(longName, 0x02, 0xFFFF);
            return b.key("Key", NONE, new int[] {notVk, longName});
        });
        HiveKey key = hive.key("Key").orElseThrow();
        corrupt("signature \"lh\", expected \"vk\"", key::values);
        HiveBuilder b = new HiveBuilder();
        int vk = b.vk("Name", HiveValue.REG_SZ, new byte[8]);
        b.patch16(vk, 0x02, 0xFFFF);
        Hive longName = parse(b.build(b.key("ROOT", NONE, new int[] {vk})));
        corrupt("the name (65535 bytes at +0x14) does not fit", () -> longName.root().value("Name"));
    }
}
