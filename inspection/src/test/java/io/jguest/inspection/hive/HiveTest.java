package io.jguest.inspection.hive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader against hives written by the real hivex tools (see generate.sh next to the test
 * resources: software.hive, system.hive and stress.hive.gz, each with its hivexregedit export),
 * and against hives with li/ri lists and db records written by {@link HiveBuilder}.
 */
class HiveTest {
    @TempDir
    Path dir;

    private static String hiveResource(String name) {
        return name.equals("stress") ? "stress.hive.gz" : name + ".hive";
    }

    private static String exportResource(String name) {
        return name.equals("stress") ? "stress.export.reg.gz" : name + ".export.reg";
    }

    private static Map<String, Map<String, Hives.Value>> export(String name) {
        return Hives.parseExport(new String(Hives.resource(exportResource(name)), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"software", "system", "stress"})
    void everyKeyAndValueMatchesTheHivexExport(String name) throws HiveException {
        Map<String, Map<String, Hives.Value>> expected = export(name);
        Map<String, Map<String, Hives.Value>> actual = Hives.dump(Hives.hive(hiveResource(name)));
        Hives.assertSameTree(expected, actual);
        assertTrue(expected.size() >= 8, "the export has keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"software", "system", "stress"})
    void everyKeyAndValueIsFoundByItsUpperCasedName(String name) throws HiveException {
        Hive hive = Hives.hive(hiveResource(name));
        for (Map.Entry<String, Map<String, Hives.Value>> key : export(name).entrySet()) {
            HiveKey found = hive.key(key.getKey().toUpperCase(Locale.ROOT)).orElseThrow(
                    () -> new AssertionError("no key " + key.getKey()));
            assertTrue(key.getKey().endsWith("\\" + found.name()) || key.getKey().equals("\\"), key.getKey());
            for (Map.Entry<String, Hives.Value> value : key.getValue().entrySet()) {
                HiveValue read = found.value(value.getKey().toUpperCase(Locale.ROOT)).orElseThrow(
                        () -> new AssertionError("no value " + value.getKey() + " in " + key.getKey()));
                assertEquals(value.getValue(), Hives.Value.of(read), key.getKey() + " " + value.getKey());
            }
        }
        assertTrue(hive.key("\\No\\Such\\Key").isEmpty());
        assertTrue(hive.root().value("no such value").isEmpty());
    }

    /** The checked-in exports are what hivexregedit says about the checked-in hives. */
    @ParameterizedTest
    @ValueSource(strings = {"software", "system", "stress"})
    void checkedInExportsAreHivexOutput(String name) throws Exception {
        assumeTrue(Files.isExecutable(Hives.HIVEXREGEDIT), "hivexregedit is not installed");
        Path file = dir.resolve(name + ".hive");
        Files.write(file, Hives.resource(hiveResource(name)));
        assertEquals(new String(Hives.resource(exportResource(name)), StandardCharsets.UTF_8), Hives.export(file));
    }

    @Test
    void windowsSoftwareFacts() throws HiveException {
        Hive hive = Hives.hive("software.hive");
        assertEquals("$$$PROTO.HIV", hive.root().name());
        HiveKey current = hive.key("\\Microsoft\\Windows NT\\CurrentVersion").orElseThrow();
        assertEquals("CurrentVersion", current.name());
        assertEquals(current, hive.key("microsoft\\WINDOWS NT\\currentversion").orElseThrow());
        assertEquals("Microsoft Windows 7 Phony Edition", current.value("ProductName").orElseThrow().asString());
        assertEquals("6.1", current.value("currentversion").orElseThrow().asString());
        assertEquals(10, current.value("CurrentMajorVersionNumber").orElseThrow().asDword());
        assertEquals(0, current.value("CurrentMinorVersionNumber").orElseThrow().asDword());
        assertEquals("7601", current.value("CurrentBuildNumber").orElseThrow().display());
        assertEquals("Client", current.value("InstallationType").orElseThrow().display());
        assertEquals("%SystemRoot%", current.value("PathName").orElseThrow().asString());
        assertEquals(HiveValue.REG_EXPAND_SZ, current.value("PathName").orElseThrow().type());
        assertEquals(0x4a3b2c1dL, current.value("InstallDate").orElseThrow().asDword());
        assertEquals("1245391901", current.value("InstallDate").orElseThrow().display());
        assertEquals(Long.toUnsignedString(0x01d14eb62ac18000L), current.value("InstallTime").orElseThrow().display());
        assertEquals("a4000000030000003030343236 2d".replace(" ", ""),
                current.value("DigitalProductId").orElseThrow().display());
        assertEquals("D:\\\nE:\\", current.value("SourcePath").orElseThrow().display());
        assertEquals("AB", current.value("Odd").orElseThrow().asString());
        assertEquals("AB", current.value("NoNul").orElseThrow().asString());
        assertEquals("", current.value("Nothing").orElseThrow().display());
        HiveException notString = assertThrows(HiveException.class,
                () -> current.value("DigitalProductId").orElseThrow().asString());
        assertTrue(notString.getMessage().contains("not a string"), notString.getMessage());

        List<String> programs = new ArrayList<>();
        for (String uninstall : List.of("\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
                "\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall")) {
            for (HiveKey program : hive.key(uninstall).orElseThrow().subkeys()) {
                var displayName = program.value("DisplayName");
                if (displayName.isPresent()) {
                    programs.add(program.name() + "=" + displayName.get().asString() + " "
                            + program.value("DisplayVersion").orElseThrow().asString());
                }
            }
        }
        assertEquals(List.of("test1=Test Program 1 1.2.3", "test2=Test Program 2 1.2.4", "test3=Test Program 3 1.2.5",
                "test4=Test Program 4 1.2.6"), programs);
    }

    @Test
    void windowsSystemFacts() throws HiveException {
        Hive hive = Hives.hive("system.hive");
        long current = hive.key("Select").orElseThrow().value("Current").orElseThrow().asDword();
        String controlSet = String.format("ControlSet%03d", current);
        assertEquals("ControlSet001", controlSet);
        assertEquals("windows.invalid", hive.key(controlSet + "\\Services\\Tcpip\\Parameters").orElseThrow()
                .value("Hostname").orElseThrow().asString());
        assertEquals("", hive.key(controlSet + "\\Services\\Tcpip\\Parameters").orElseThrow()
                .value("Domain").orElseThrow().asString());
        HiveKey mounted = hive.key("\\MountedDevices").orElseThrow();
        List<String> names = mounted.values().stream().map(HiveValue::name).toList();
        assertEquals(List.of("\\DosDevices\\C:", "\\DosDevices\\D:", "\\DosDevices\\E:",
                "\\??\\Volume{01234567-89ab-cdef-0123-456789abcdef}"), names);
        HiveValue c = mounted.value("\\dosdevices\\c:").orElseThrow();
        assertEquals(HiveValue.REG_BINARY, c.type());
        assertArrayEquals(new byte[] {'1', '2', '3', '4', 0, 0, 0, 0x10, 0, 0, 0, 0}, c.data());
        assertEquals("313233340000001000000000", c.display());
        HiveValue d = mounted.value("\\DosDevices\\D:").orElseThrow();
        assertEquals(24, d.data().length);
        assertEquals("DMIO:ID:", new String(d.data(), 0, 8, StandardCharsets.US_ASCII));
    }

    @Test
    void stressHive() throws HiveException {
        Hive hive = Hives.hive("stress.hive.gz");
        HiveKey many = hive.key("Many").orElseThrow();
        List<HiveKey> subkeys = many.subkeys();
        assertEquals(600, subkeys.size());
        for (int i = 0; i < 600; i++) {
            assertEquals(String.format("Key%03d", i), subkeys.get(i).name());
            assertEquals(i, subkeys.get(i).value("Index").orElseThrow().asDword());
        }
        assertEquals(subkeys.get(599), many.subkey("KEY599").orElseThrow());
        assertTrue(many.subkey("Key600").isEmpty());
        assertEquals(300, hive.key("ManyValues").orElseThrow().values().size());
        assertEquals("value number 299", hive.key("ManyValues").orElseThrow().value("value299").orElseThrow().asString());

        HiveKey big = hive.key("Big").orElseThrow();
        byte[] blob = big.value("Blob").orElseThrow().data();
        assertEquals(40000, blob.length);
        for (int i = 0; i < blob.length; i++) {
            assertEquals((byte) i, blob[i], "byte " + i);
        }
        assertEquals(16344, big.value("Edge16344").orElseThrow().data().length);
        assertEquals(16345, big.value("Edge16345").orElseThrow().data().length);
        String longString = big.value("LongString").orElseThrow().asString();
        assertEquals(9000, longString.length());
        assertTrue(longString.startsWith("abcdefghi0abcdefghi1") && longString.endsWith("abcdefghi9"));

        HiveKey unicode = hive.key("\\ÜNÏCÖDÉ КЛЮЧ").orElseThrow();
        assertEquals("Ünïcödé ключ", unicode.name());
        assertEquals("default value", unicode.value("").orElseThrow().asString());
        assertEquals("ü", unicode.value("WERT Ä").orElseThrow().asString());
        assertEquals(1, unicode.value("值").orElseThrow().asDword());
        assertEquals("κόσμε", unicode.value("ΚΑΛΗΜΈΡΑ").orElseThrow().asString());
        assertEquals(List.of("Café", "日本語"), unicode.subkeys().stream().map(HiveKey::name).toList());
        assertEquals("名前", hive.key("ünïcödé ключ\\日本語").orElseThrow().value("name").orElseThrow().display());
        assertEquals("Café", hive.key("\\Ünïcödé ключ\\CAFÉ").orElseThrow().name());
    }

    /** A hive with every subkey list kind (lf, lh, li, ri over them) and db big-data values. */
    static byte[] listsAndBigData() {
        HiveBuilder b = new HiveBuilder();
        int[] lf = IntStream.range(0, 3).map(i -> b.key("lf" + i, new int[0],
                new int[] {b.vk("n", HiveValue.REG_DWORD, le32(i))})).toArray();
        int[] lh = IntStream.range(0, 3).map(i -> b.key("lh" + i, new int[0], new int[0])).toArray();
        int[] li = IntStream.range(0, 3).map(i -> b.key("li" + i, new int[0], new int[0])).toArray();
        int lists = b.ri(b.lf(lf), b.lh(lh), b.li(li));
        int listsKey = b.adopt(b.nk("Lists", 9, lists, 0, -1), java.util.stream.Stream.of(lf, lh, li).flatMapToInt(IntStream::of).toArray());
        int[] ab = {b.key("a", new int[0], new int[0]), b.key("B", new int[0], new int[0])};
        int liOnly = b.adopt(b.nk("LiOnly", 2, b.li(ab), 0, -1), ab);
        int big = b.key("Big", new int[0], new int[] {
            b.vk("Blob", HiveValue.REG_BINARY, pattern(40000), true),
            b.vk("Exact", HiveValue.REG_BINARY, pattern(2 * ValueCell.SEGMENT), true),
            b.vk("OneMore", HiveValue.REG_BINARY, pattern(ValueCell.SEGMENT + 1), true),
            b.vk("Text", HiveValue.REG_SZ, utf16z("x".repeat(10000)), true),
            b.vk("Small", HiveValue.REG_BINARY, pattern(100)),
            b.vk("Inline", HiveValue.REG_BINARY, pattern(3)),
            b.vk("Empty", HiveValue.REG_BINARY, new byte[0]),
            b.vk("", HiveValue.REG_SZ, utf16z("default")),
            b.vk("Ωμέγα", HiveValue.REG_SZ, utf16z("ω")),
        });
        int root = b.key("ROOT", new int[] {listsKey, liOnly, big}, new int[0]);
        return b.build(root);
    }

    static byte[] pattern(int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (i * 31 + i / 256);
        }
        return out;
    }

    static byte[] utf16z(String text) {
        return (text + "\0").getBytes(StandardCharsets.UTF_16LE);
    }

    static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    @Test
    void everySubkeyListKindAndBigData() throws HiveException {
        Hive hive = Hive.parse(ByteBuffer.wrap(listsAndBigData()));
        assertEquals(List.of("lf0", "lf1", "lf2", "lh0", "lh1", "lh2", "li0", "li1", "li2"),
                hive.key("Lists").orElseThrow().subkeys().stream().map(HiveKey::name).toList());
        assertEquals(2, hive.key("\\Lists\\LF2").orElseThrow().value("N").orElseThrow().asDword());
        assertTrue(hive.key("\\Lists\\li2").isPresent());
        assertEquals(List.of("a", "B"), hive.key("LiOnly").orElseThrow().subkeys().stream().map(HiveKey::name).toList());
        HiveKey big = hive.key("Big").orElseThrow();
        assertArrayEquals(pattern(40000), big.value("Blob").orElseThrow().data());
        assertArrayEquals(pattern(2 * ValueCell.SEGMENT), big.value("Exact").orElseThrow().data());
        assertArrayEquals(pattern(ValueCell.SEGMENT + 1), big.value("OneMore").orElseThrow().data());
        assertEquals("x".repeat(10000), big.value("Text").orElseThrow().asString());
        assertArrayEquals(pattern(100), big.value("small").orElseThrow().data());
        assertArrayEquals(pattern(3), big.value("Inline").orElseThrow().data());
        assertArrayEquals(new byte[0], big.value("Empty").orElseThrow().data());
        assertEquals("default", big.value("").orElseThrow().display());
        assertEquals("ω", big.value("ΩΜΈΓΑ").orElseThrow().display());
    }

    /** hivex reads the builder's hives as we do: the builder writes the real format. */
    @Test
    void builderHiveMatchesHivexExport() throws Exception {
        assumeTrue(Files.isExecutable(Hives.HIVEXREGEDIT), "hivexregedit is not installed");
        byte[] bytes = listsAndBigData();
        Path file = dir.resolve("lists.hive");
        Files.write(file, bytes);
        Map<String, Map<String, Hives.Value>> expected = Hives.parseExport(Hives.export(file));
        Hives.assertSameTree(expected, Hives.dump(Hive.parse(ByteBuffer.wrap(bytes))));
    }

    @Test
    void openMapsTheFileAndRefusesLargeOnes() throws Exception {
        Path file = dir.resolve("SOFTWARE");
        byte[] bytes = Hives.resource("software.hive");
        Files.write(file, bytes);
        Hive hive = Hive.open(file, 1 << 20);
        assertEquals(Hives.dump(Hives.hive("software.hive")), Hives.dump(hive));
        HiveException large = assertThrows(HiveException.class, () -> Hive.open(file, bytes.length - 1));
        assertTrue(large.getMessage().startsWith(file + ": " + bytes.length + " bytes, more than the limit"),
                large.getMessage());
        Path empty = Files.createFile(dir.resolve("empty"));
        HiveException none = assertThrows(HiveException.class, () -> Hive.open(empty, 1 << 20));
        assertEquals(empty + ": 0 bytes, too short for a registry hive", none.getMessage());
        assertThrows(NoSuchFileException.class, () -> Hive.open(dir.resolve("missing"), 1 << 20));
    }

    @Test
    void parseReadsFromIndexZeroAndLeavesTheBufferAlone() throws HiveException {
        ByteBuffer buffer = ByteBuffer.wrap(Hives.resource("system.hive"));
        buffer.position(100);
        Hive hive = Hive.parse(buffer.asReadOnlyBuffer());
        assertEquals(Hives.dump(Hives.hive("system.hive")), Hives.dump(hive));
        assertEquals(100, buffer.position());
    }

    @Test
    void concurrentWalksSeeTheSameTree() throws Exception {
        Hive hive = Hives.hive("stress.hive.gz");
        Map<String, Map<String, Hives.Value>> expected = Hives.dump(hive);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Map<String, Map<String, Hives.Value>>>> walks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                walks.add(pool.submit(() -> Hives.dump(hive)));
            }
            for (Future<Map<String, Map<String, Hives.Value>>> walk : walks) {
                assertEquals(expected, walk.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysAreEqualWhenTheyAreTheSameCell() throws HiveException {
        Hive hive = Hives.hive("software.hive");
        HiveKey a = hive.key("Microsoft").orElseThrow();
        HiveKey b = hive.root().subkey("MICROSOFT").orElseThrow();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("key \\Microsoft\\Windows NT", hive.key("\\Microsoft\\Windows NT").orElseThrow().toString());
        assertEquals(hive.root(), hive.key("\\").orElseThrow());
        assertTrue(hive.key("Microsoft\\\\Windows").isPresent(), "doubled backslashes are skipped");
    }

    @Test
    void listsAreUnmodifiable() throws HiveException {
        Hive hive = Hives.hive("software.hive");
        assertThrows(UnsupportedOperationException.class, () -> hive.root().subkeys().clear());
        assertThrows(UnsupportedOperationException.class,
                () -> hive.key("\\Microsoft\\Windows NT\\CurrentVersion").orElseThrow().values().clear());
    }
}
