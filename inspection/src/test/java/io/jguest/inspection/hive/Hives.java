package io.jguest.inspection.hive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/** Test fixtures: the checked-in hives, their hivexregedit exports, and whole-tree dumps of our reader. */
final class Hives {
    static final Path HIVEXREGEDIT = Path.of("/usr/bin/hivexregedit");

    private Hives() {
    }

    /** A resource next to this class; a {@code .gz} one is decompressed. */
    static byte[] resource(String name) {
        try (InputStream raw = Objects.requireNonNull(Hives.class.getResourceAsStream(name), name);
                InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Hive hive(String resource) throws HiveException {
        return Hive.parse(ByteBuffer.wrap(resource(resource)), resource);
    }

    /** One value as the export shows it: type and data in hex. */
    record Value(int type, String hex) {
        static Value of(HiveValue value) {
            return new Value(value.type(), HexFormat.of().formatHex(value.data()));
        }
    }

    /**
     * Parses the output of {@code hivexregedit --export HIVE '\'} (UTF-8): key path ({@code \},
     * {@code \A\B}) to value name ({@code ""} for {@code @}) to value, keys and values in file order.
     */
    static Map<String, Map<String, Value>> parseExport(String text) {
        Map<String, Map<String, Value>> keys = new LinkedHashMap<>();
        Map<String, Value> current = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.equals("Windows Registry Editor Version 5.00")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = new LinkedHashMap<>();
                keys.put(line.substring(1, line.length() - 1), current);
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException("value before any key: " + line);
            }
            String name;
            int at;
            if (line.startsWith("@=")) {
                name = "";
                at = 2;
            } else if (line.startsWith("\"")) {
                StringBuilder unescaped = new StringBuilder();
                int i = 1;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    unescaped.append(c == '\\' ? line.charAt(i++) : c);
                }
                if (line.charAt(i + 1) != '=') {
                    throw new IllegalArgumentException("no = after the name: " + line);
                }
                name = unescaped.toString();
                at = i + 2;
            } else {
                throw new IllegalArgumentException("not a key or value line: " + line);
            }
            String data = line.substring(at);
            Value value;
            if (data.startsWith("dword:")) {
                String le = HexFormat.of().formatHex(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putInt((int) Long.parseLong(data.substring(6), 16)).array());
                value = new Value(HiveValue.REG_DWORD, le);
            } else if (data.startsWith("hex(")) {
                int close = data.indexOf("):");
                int type = Integer.parseUnsignedInt(data.substring(4, close), 16);
                value = new Value(type, data.substring(close + 2).replace(",", ""));
            } else {
                throw new IllegalArgumentException("unknown data syntax: " + line);
            }
            if (current.put(name, value) != null) {
                throw new IllegalArgumentException("value twice: " + line);
            }
        }
        return keys;
    }

    /**
     * Our reader's view in the export's shape: every key reached from the root (paths built from
     * names; the root is {@code \}) with its values. Assumes a tree (no key reached twice).
     */
    static Map<String, Map<String, Value>> dump(Hive hive) throws HiveException {
        Map<String, Map<String, Value>> keys = new TreeMap<>();
        dump(hive.root(), "", keys);
        return keys;
    }

    private static void dump(HiveKey key, String path, Map<String, Map<String, Value>> out) throws HiveException {
        Map<String, Value> values = new TreeMap<>();
        for (HiveValue value : key.values()) {
            if (values.put(value.name(), Value.of(value)) != null) {
                throw new AssertionError(path + ": value " + value.name() + " twice");
            }
        }
        String shown = path.isEmpty() ? "\\" : path;
        if (out.put(shown, values) != null) {
            throw new AssertionError(shown + ": key reached twice");
        }
        for (HiveKey child : key.subkeys()) {
            dump(child, path + "\\" + child.name(), out);
        }
    }

    /** Fails with the first difference (key set, then values key by key), values shortened. */
    static void assertSameTree(Map<String, Map<String, Value>> expected, Map<String, Map<String, Value>> actual) {
        if (!new TreeMap<>(expected).keySet().equals(new TreeMap<>(actual).keySet())) {
            throw new AssertionError("keys differ: expected " + new TreeMap<>(expected).keySet() + " but was "
                    + new TreeMap<>(actual).keySet());
        }
        for (Map.Entry<String, Map<String, Value>> key : new TreeMap<>(expected).entrySet()) {
            Map<String, Value> want = new TreeMap<>(key.getValue());
            Map<String, Value> got = new TreeMap<>(actual.get(key.getKey()));
            if (!want.keySet().equals(got.keySet())) {
                throw new AssertionError(key.getKey() + ": value names differ: expected " + want.keySet() + " but was "
                        + got.keySet());
            }
            for (Map.Entry<String, Value> value : want.entrySet()) {
                Value read = got.get(value.getKey());
                if (!value.getValue().equals(read)) {
                    throw new AssertionError(key.getKey() + " " + value.getKey() + ": expected " + shorten(value.getValue())
                            + " but was " + shorten(read));
                }
            }
        }
    }

    private static String shorten(Value value) {
        String hex = value.hex();
        return "type " + value.type() + ", " + hex.length() / 2 + " bytes "
                + (hex.length() > 64 ? hex.substring(0, 64) + "..." : hex);
    }

    /** {@code hivexregedit --export FILE '\'}, as UTF-8 text. */
    static String export(Path file) throws IOException, InterruptedException {
        Path out = Files.createTempFile(file.getParent(), "export", ".reg");
        ProcessBuilder builder = new ProcessBuilder(HIVEXREGEDIT.toString(), "--export", file.toString(), "\\")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PERL_UNICODE", "SD");
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("hivexregedit --export " + file + " did not finish");
        }
        if (process.exitValue() != 0) {
            throw new IOException("hivexregedit --export " + file + " exited with " + process.exitValue());
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Every key path of an export, in order. */
    static List<String> paths(Map<String, Map<String, Value>> export) {
        return new ArrayList<>(export.keySet());
    }
}
