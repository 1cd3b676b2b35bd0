package io.jguest.inspection.detect;

import io.jguest.inspection.hive.Hive;
import io.jguest.inspection.hive.HiveException;
import io.jguest.inspection.hive.HiveKey;
import io.jguest.inspection.hive.HiveValue;
import io.jguest.inspection.rules.Builtin;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in predicates of {@code inspection.rules}. Small and generic: they test and parse files
 * and registry values and take strings apart; every decision (which file wins, what is a root, how a
 * device name maps) is left to the rules. In the signatures below {@code +} marks an input (bound
 * when called), {@code -} an output; file built-ins take the filesystem's device first and read
 * through {@link RootedFs} (paths are guest paths inside that filesystem, symlinks resolved within it).
 *
 * <pre>
 * is_dir(+Fs, +Path)             a directory (a final symlink is not followed, as libguestfs's is_dir)
 * is_file(+Fs, +Path)            a regular file (final symlink not followed)
 * is_file_follow(+Fs, +Path)     a regular file once symlinks are followed
 * is_symlink(+Fs, +Path)
 * readlink(+Fs, +Path, -Target)
 * case_path(+Fs, +Path, -Real)   Path resolved case-insensitively (Windows): the real names, links followed
 * first_line(+Fs, +Path, -Line)  the first line of a small file (none when empty)
 * line_of(+Fs, +Path, +N, -Line) line N (1-based) of a small file
 * hostname_in(+Fs, +Path, -Host) the first line that is neither empty nor a # comment
 * shell_var(+Fs, +Path, -Key, -Value)  KEY=value lines, values shell-unquoted (os-release, sysconfig)
 * key_value(+Fs, +Path, -Key, -Value)  KEY=value lines, surrounding quotes removed (lsb-release)
 * elf_arch(+Fs, +Path, -Arch)    architecture from an ELF header
 * pe_arch(+Fs, +Path, -Arch)     architecture from a PE header
 * fstab(+Fs, +Path, -Spec, -Mountpoint, -Type, -Options)
 * dpkg_package(+Fs, -Name, -Epoch, -Version, -Release, -Arch, -Url, -Description)   /var/lib/dpkg/status
 * apk_package(+Fs, ...same)      /lib/apk/db/installed
 * pacman_package(+Fs, ...same)   /var/lib/pacman/local/NAME/desc
 * rpm_package(+Fs, +Path, -Name, -Epoch, -Version, -Release, -Arch, -Url, -Summary)
 *                                rpm's sqlite database at Path (the rules choose which, see {@link SqliteFile})
 * reg_value(+Fs, +Hive, +Key, -Name, -Display)  a registry value as text (Name matched case-insensitively)
 * reg_subkey(+Fs, +Hive, +Key, -Child)
 * mounted_device(+Fs, +Hive, -Letter, -Kind, -Id, -Offset)   \MountedDevices, see {@link MountedDevice}
 * windows_app(+Fs, +Hive, +Key, -Name, -DisplayName, -Version, -Publisher, -Url, -InstallPath, -Comments)
 *                                subkeys of an Uninstall key that have a DisplayName
 * version_of(+Text, -Major, -Minor)   first N.M in Text, else first N (minor "0")
 * regex(+Text, +Regex, -G1, -G2)  Text contains a match of Regex (case-sensitive); groups 1 and 2 ("" if none)
 * matches(+Text, +Regex)         Text contains a match of Regex, ignoring case
 * lower(+A, -B), upper(+A, -B), concat(+A, +B, -AB), strip_prefix(+Text, +Prefix, -Rest), unquote(+A, -B)
 * num_lt(+A, +B), num_ge(+A, +B)  integer comparisons (false when either is not an integer)
 * xdev(+Spec, -DiskIndex, -Part) /dev/(h|s|v|xv)dLETTERS[N] → drive index and partition ("" when none)
 * mapper_name(+Name, -Vg, -Lv)   a /dev/mapper name of an LV split, "--" unescaped
 * format_control_set(+N, -Name)  "1" → "ControlSet001"
 * </pre>
 *
 * Built-ins never throw: what they cannot read becomes a warning of the current {@link Detection}
 * ({@code /dev/sda2: /etc/fstab line 3: 2 fields, expected 3 to 6}) and no rows.
 */
public final class Builtins {
    /** os-release, fstab, release and hostname files: read whole up to this size, skipped above it. */
    public static final int SMALL_FILE = 64 * 1024;
    /** Package databases are streamed up to this size. */
    public static final long PACKAGE_DB = 64L << 20;
    /** rpm's sqlite databases are mapped up to this size. */
    public static final long RPM_DB = 256L << 20;
    /** Hives are mapped up to this size. */
    public static final long HIVE = 256L << 20;
    /** Longest line kept of a streamed database. */
    static final int MAX_LINE = 64 * 1024;
    /** Malformed fstab lines reported one by one before the rest are counted. */
    static final int MAX_LINE_WARNINGS = 10;
    static final int MAX_PACKAGES_DIRS = 100_000;

    private static final List<Builtin> ALL = List.of(
            fs("is_dir", "ii", (d, fs, a) -> truth(fs.resolve(a.get(1), false, false).filter(e -> e.attrs().isDirectory()).isPresent())),
            fs("is_file", "ii", (d, fs, a) -> truth(fs.resolve(a.get(1), false, false).filter(e -> e.attrs().isRegularFile()).isPresent())),
            fs("is_file_follow", "ii", (d, fs, a) -> truth(fs.resolve(a.get(1), true, false).filter(e -> e.attrs().isRegularFile()).isPresent())),
            fs("is_symlink", "ii", (d, fs, a) -> truth(fs.resolve(a.get(1), false, false).filter(e -> e.attrs().isSymbolicLink()).isPresent())),
            fs("readlink", "iio", Builtins::readlink),
            fs("case_path", "iio", (d, fs, a) -> one(fs.resolve(a.get(1), true, true).map(RootedFs.Entry::guestPath))),
            fs("first_line", "iio", (d, fs, a) -> one(text(d, fs, a.get(1)).map(Text::firstLine).filter(l -> !l.isEmpty()))),
            fs("line_of", "iiio", Builtins::lineOf),
            fs("hostname_in", "iio", (d, fs, a) -> one(text(d, fs, a.get(1)).flatMap(Builtins::hostnameLine))),
            fs("shell_var", "iioo", (d, fs, a) -> pairs(text(d, fs, a.get(1)).map(KeyValueFile::parseShell))),
            fs("key_value", "iioo", (d, fs, a) -> pairs(text(d, fs, a.get(1)).map(KeyValueFile::parseSimple))),
            fs("elf_arch", "iio", Builtins::elfArch),
            fs("pe_arch", "iio", Builtins::peArch),
            fs("fstab", "iioooo", Builtins::fstab),
            fs("dpkg_package", "iooooooo", Builtins::dpkg),
            fs("apk_package", "iooooooo", Builtins::apk),
            fs("pacman_package", "iooooooo", Builtins::pacman),
            fs("rpm_package", "iiooooooo", Builtins::rpm),
            fs("reg_value", "iiioo", Builtins::regValue),
            fs("reg_subkey", "iiio", Builtins::regSubkey),
            fs("mounted_device", "iioooo", Builtins::mountedDevice),
            fs("windows_app", "iiiooooooo", Builtins::windowsApp),
            pure("version_of", "ioo", a -> Text.version(a.get(0)).map(v -> List.of(List.of(v[0], v[1]))).orElse(List.of())),
            pure("regex", "iioo", a -> regex(a.get(0), a.get(1), 0)),
            pure("matches", "ii", a -> regex(a.get(0), a.get(1), Pattern.CASE_INSENSITIVE).isEmpty() ? List.of() : truth(true)),
            pure("lower", "io", a -> List.of(List.of(a.get(0).toLowerCase(Locale.ROOT)))),
            pure("upper", "io", a -> List.of(List.of(a.get(0).toUpperCase(Locale.ROOT)))),
            pure("concat", "iio", a -> List.of(List.of(a.get(0) + a.get(1)))),
            pure("strip_prefix", "iio", a -> a.get(0).startsWith(a.get(1)) ? List.of(List.of(a.get(0).substring(a.get(1).length()))) : List.of()),
            pure("unquote", "io", a -> List.of(List.of(Text.shellUnquote(a.get(0))))),
            pure("num_lt", "ii", a -> truth(compare(a.get(0), a.get(1)).filter(c -> c < 0).isPresent())),
            pure("num_ge", "ii", a -> truth(compare(a.get(0), a.get(1)).filter(c -> c >= 0).isPresent())),
            pure("xdev", "ioo", a -> DeviceNames.xdev(a.get(0)).map(v -> List.of(List.of(v[0], v[1]))).orElse(List.of())),
            pure("mapper_name", "ioo", a -> DeviceNames.mapperName(a.get(0)).map(v -> List.of(List.of(v[0], v[1]))).orElse(List.of())),
            pure("format_control_set", "io", a -> Text.number(a.get(0)).map(n -> List.of(List.of(String.format("ControlSet%03d", Integer.parseInt(n))))).orElse(List.of())));

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private Builtins() {
    }

    /** Every built-in predicate, for {@code Program.compile}. */
    public static List<Builtin> all() {
        return ALL;
    }

    // ---- file built-ins ----

    private static List<List<String>> readlink(Detection d, RootedFs fs, List<String> a) throws DetectException {
        Optional<RootedFs.Entry> e = fs.resolve(a.get(1), false, false);
        if (e.isEmpty() || !e.get().attrs().isSymbolicLink()) {
            return List.of();
        }
        try {
            return List.of(List.of(java.nio.file.Files.readSymbolicLink(e.get().host()).toString()));
        } catch (java.io.IOException ex) {
            throw new DetectException(a.get(1) + ": " + RootedFs.describe(ex), ex);
        }
    }

    private static List<List<String>> lineOf(Detection d, RootedFs fs, List<String> a) throws DetectException {
        Optional<String> n = Text.number(a.get(2));
        Optional<String> text = text(d, fs, a.get(1));
        if (n.isEmpty() || text.isEmpty()) {
            return List.of();
        }
        List<String> lines = Text.lines(text.get());
        int i = Integer.parseInt(n.get());
        return i >= 1 && i <= lines.size() ? List.of(List.of(lines.get(i - 1))) : List.of();
    }

    static Optional<String> hostnameLine(String text) {
        return Text.lines(text).stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst();
    }

    private static List<List<String>> elfArch(Detection d, RootedFs fs, List<String> a) throws DetectException {
        Optional<byte[]> header = fs.readAt(a.get(1), 0, ElfHeader.SIZE);
        if (header.isEmpty()) {
            return List.of();
        }
        Optional<String> arch = ElfHeader.arch(header.get());
        if (arch.isEmpty()) {
            throw new DetectException(a.get(1) + ": not an ELF file of a known architecture");
        }
        return one(arch);
    }

    private static List<List<String>> peArch(Detection d, RootedFs fs, List<String> a) throws DetectException {
        Optional<byte[]> dos = fs.readAt(a.get(1), 0, PeHeader.DOS_HEADER_SIZE);
        if (dos.isEmpty()) {
            return List.of();
        }
        Optional<Long> offset = PeHeader.peOffset(dos.get());
        Optional<byte[]> pe = offset.isEmpty() ? Optional.empty() : fs.readAt(a.get(1), offset.get(), PeHeader.PE_HEADER_SIZE);
        Optional<String> arch = pe.flatMap(PeHeader::arch);
        if (arch.isEmpty()) {
            throw new DetectException(a.get(1) + ": not a PE executable of a known architecture");
        }
        return one(arch);
    }

    private static List<List<String>> fstab(Detection d, RootedFs fs, List<String> a) throws DetectException {
        String path = a.get(1);
        Optional<String> text = text(d, fs, path);
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> bad = new ArrayList<>();
        List<Fstab.Entry> entries = Fstab.parse(text.get(), bad::add);
        warnSkipped(d, fs, path, bad, "lines");
        List<List<String>> rows = new ArrayList<>();
        for (Fstab.Entry e : entries) {
            rows.add(List.of(e.spec(), e.mountpoint(), e.type(), e.options()));
        }
        return rows;
    }

    private static List<List<String>> dpkg(Detection d, RootedFs fs, List<String> a) {
        String path = "/var/lib/dpkg/status";
        PackageDatabases.Dpkg parser = new PackageDatabases.Dpkg();
        streamLines(d, fs, path, parser::line);
        return packageRows(parser.finish());
    }

    private static List<List<String>> apk(Detection d, RootedFs fs, List<String> a) {
        String path = "/lib/apk/db/installed";
        PackageDatabases.Apk parser = new PackageDatabases.Apk();
        streamLines(d, fs, path, parser::line);
        return packageRows(parser.finish());
    }

    private static List<List<String>> pacman(Detection d, RootedFs fs, List<String> a) throws DetectException {
        String dir = "/var/lib/pacman/local";
        List<Package> packages = new ArrayList<>();
        List<String> names;
        try {
            names = fs.subdirectories(dir, MAX_PACKAGES_DIRS);
        } catch (DetectException e) {
            d.warn(fs.device() + ": " + e.getMessage());
            return List.of();
        }
        for (String name : names) {
            String desc = dir + "/" + name + "/desc";
            try {
                fs.readSmall(desc, SMALL_FILE).map(Text::decode).flatMap(PackageDatabases::pacmanDesc).ifPresent(packages::add);
            } catch (DetectException e) {
                d.warn(fs.device() + ": " + e.getMessage());
            }
        }
        return packageRows(packages);
    }

    /**
     * rpm's sqlite database at a path the rules chose: mapped, not copied. Damage gives a warning and
     * the packages before it; a header that cannot be read gives a warning and is left out.
     */
    private static List<List<String>> rpm(Detection d, RootedFs fs, List<String> a) throws DetectException {
        String path = a.get(1);
        Optional<ByteBuffer> data = fs.map(path, RPM_DB);
        if (data.isEmpty()) {
            return List.of();
        }
        List<Package> packages = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        try {
            PackageDatabases.rpm(SqliteFile.parse(data.get()), packages::add, bad::add);
        } catch (SqliteException e) {
            d.warn(fs.device() + ": " + path + ": " + e.getMessage());
        }
        warnSkipped(d, fs, path, bad, "rows");
        return packageRows(packages);
    }

    /** One warning per bad line or row ({@code /etc/fstab line 3: ...}) up to a limit, then their count. */
    private static void warnSkipped(Detection d, RootedFs fs, String path, List<String> bad, String what) {
        for (int i = 0; i < bad.size() && i < MAX_LINE_WARNINGS; i++) {
            d.warn(fs.device() + ": " + path + " " + bad.get(i) + ", skipped");
        }
        if (bad.size() > MAX_LINE_WARNINGS) {
            d.warn(fs.device() + ": " + path + ": " + (bad.size() - MAX_LINE_WARNINGS) + " more " + what + " skipped");
        }
    }

    /** Streams a database; a database over the limit gives a warning and the packages before it. */
    private static void streamLines(Detection d, RootedFs fs, String path, java.util.function.Consumer<String> sink) {
        try {
            fs.lines(path, PACKAGE_DB, MAX_LINE, sink);
        } catch (DetectException e) {
            d.warn(fs.device() + ": " + e.getMessage());
        }
    }

    private static List<List<String>> packageRows(List<Package> packages) {
        List<List<String>> rows = new ArrayList<>(packages.size());
        for (Package p : packages) {
            rows.add(List.of(p.name(), Integer.toString(p.epoch()), p.version(), p.release(), p.arch(), p.url(), p.description()));
        }
        return rows;
    }

    // ---- registry built-ins ----

    private static List<List<String>> regValue(Detection d, RootedFs fs, List<String> a) throws DetectException, HiveException {
        Optional<HiveKey> key = hiveKey(d, fs, a.get(1), a.get(2));
        if (key.isEmpty()) {
            return List.of();
        }
        List<List<String>> rows = new ArrayList<>();
        if (a.get(3) != null) {
            key.get().value(a.get(3)).ifPresent(v -> rows.add(List.of(a.get(3), v.display())));
        } else {
            for (HiveValue v : key.get().values()) {
                rows.add(List.of(v.name(), v.display()));
            }
        }
        return rows;
    }

    private static List<List<String>> regSubkey(Detection d, RootedFs fs, List<String> a) throws DetectException, HiveException {
        Optional<HiveKey> key = hiveKey(d, fs, a.get(1), a.get(2));
        List<List<String>> rows = new ArrayList<>();
        if (key.isPresent()) {
            for (HiveKey k : key.get().subkeys()) {
                rows.add(List.of(k.name()));
            }
        }
        return rows;
    }

    private static List<List<String>> mountedDevice(Detection d, RootedFs fs, List<String> a) throws DetectException, HiveException {
        Optional<HiveKey> key = hiveKey(d, fs, a.get(1), "\\MountedDevices");
        List<List<String>> rows = new ArrayList<>();
        if (key.isPresent()) {
            for (HiveValue v : key.get().values()) {
                MountedDevice.of(v.name(), v.type(), v.data())
                        .ifPresent(m -> rows.add(List.of(m.letter(), m.kind(), m.id(), m.offset())));
            }
        }
        return rows;
    }

    private static List<List<String>> windowsApp(Detection d, RootedFs fs, List<String> a) throws DetectException, HiveException {
        Optional<HiveKey> key = hiveKey(d, fs, a.get(1), a.get(2));
        List<List<String>> rows = new ArrayList<>();
        if (key.isEmpty()) {
            return rows;
        }
        for (HiveKey app : key.get().subkeys()) {
            Optional<String> display = string(app, "DisplayName");
            if (display.isPresent()) {
                rows.add(List.of(app.name(), display.get(), string(app, "DisplayVersion").orElse(""),
                        string(app, "Publisher").orElse(""), string(app, "URLInfoAbout").orElse(""),
                        string(app, "InstallLocation").orElse(""), string(app, "Comments").orElse("")));
            }
        }
        return rows;
    }

    private static Optional<String> string(HiveKey key, String name) throws HiveException {
        Optional<HiveValue> v = key.value(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get().asString());
    }

    /** The key at {@code keyPath} of the hive file at {@code hivePath}; the hive is opened once per inspection. */
    private static Optional<HiveKey> hiveKey(Detection d, RootedFs fs, String hivePath, String keyPath) throws HiveException {
        Optional<Hive> hive = d.parsed(List.of("hive", fs.device(), hivePath), () -> {
            try {
                return fs.hive(hivePath, HIVE);
            } catch (DetectException | RuntimeException e) {
                d.warn(fs.device() + ": " + message(e));
                return Optional.empty();
            }
        });
        if (hive.isEmpty()) {
            return Optional.empty();
        }
        try {
            return hive.get().key(keyPath);
        } catch (HiveException e) {
            throw new HiveException(hivePath + ": " + keyPath + ": " + e.getMessage(), e);
        }
    }

    // ---- helpers ----

    /** A small text file, read once per inspection; empty when it does not exist or cannot be read (warned). */
    private static Optional<String> text(Detection d, RootedFs fs, String path) {
        return d.parsed(List.of("text", fs.device(), path), () -> {
            try {
                return fs.readSmall(path, SMALL_FILE).map(Text::decode);
            } catch (DetectException e) {
                d.warn(fs.device() + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private static List<List<String>> regex(String text, String regex, int flags) {
        Pattern p = PATTERNS.computeIfAbsent(flags + ":" + regex, k -> Pattern.compile(regex, flags));
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return List.of();
        }
        return List.of(List.of(group(m, 1), group(m, 2)));
    }

    private static String group(Matcher m, int g) {
        return g <= m.groupCount() && m.group(g) != null ? m.group(g) : "";
    }

    private static Optional<Integer> compare(String a, String b) {
        try {
            return Optional.of(Long.compare(Long.parseLong(a), Long.parseLong(b)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<List<String>> truth(boolean b) {
        return b ? List.of(List.of()) : List.of();
    }

    private static List<List<String>> one(Optional<String> value) {
        return value.map(v -> List.of(List.of(v))).orElse(List.of());
    }

    private static List<List<String>> pairs(Optional<Map<String, String>> values) {
        List<List<String>> rows = new ArrayList<>();
        values.ifPresent(m -> m.forEach((k, v) -> rows.add(List.of(k, v))));
        return rows;
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    // ---- definitions ----

    @FunctionalInterface
    private interface FsBody {
        /** Output tuples (the values of the output positions, in order). */
        List<List<String>> apply(Detection d, RootedFs fs, List<String> args) throws DetectException, HiveException;
    }

    @FunctionalInterface
    private interface PureBody {
        List<List<String>> apply(List<String> args);
    }

    private static Builtin fs(String name, String modes, FsBody body) {
        return new Def(name, modes, (d, args) -> {
            Optional<RootedFs> fs = d.fs(args.get(0));
            if (fs.isEmpty()) {
                return List.of();
            }
            try {
                return body.apply(d, fs.get(), args);
            } catch (DetectException | HiveException e) {
                d.warn(args.get(0) + ": " + e.getMessage());
                return List.of();
            }
        });
    }

    private static Builtin pure(String name, String modes, PureBody body) {
        return new Def(name, modes, (d, args) -> body.apply(args));
    }

    private interface Body {
        List<List<String>> apply(Detection d, List<String> args);
    }

    /** One built-in: its modes ("i" input, "o" output per argument) and a body returning output tuples. */
    private record Def(String name, String modes, Body body) implements Builtin {
        @Override
        public int arity() {
            return modes.length();
        }

        @Override
        public boolean isInput(int position) {
            return modes.charAt(position) == 'i';
        }

        @Override
        public List<List<String>> call(List<String> args) {
            Detection d = Detection.current();
            List<String> key = new ArrayList<>(args.size() + 1);
            key.add(name);
            key.addAll(args);
            return d.answer(key, () -> rows(d, args));
        }

        private List<List<String>> rows(Detection d, List<String> args) {
            List<List<String>> outputs;
            try {
                outputs = body.apply(d, args);
            } catch (RuntimeException | StackOverflowError e) {
                d.warn((modes.startsWith("i") && d.fs(args.get(0)).isPresent() ? args.get(0) + ": " : "")
                        + name + Arrays.toString(args.toArray()) + ": " + message(e));
                return List.of();
            }
            List<List<String>> rows = new ArrayList<>(outputs.size());
            for (List<String> out : outputs) {
                String[] row = new String[modes.length()];
                int o = 0;
                for (int i = 0; i < row.length; i++) {
                    row[i] = isInput(i) ? args.get(i) : out.get(o++);
                }
                rows.add(List.of(row));
            }
            return rows;
        }
    }
}
