package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.inspection.rules.Builtin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-ins called as the engine calls them, inside a {@link Detection}. */
class BuiltinsTest {
    @TempDir
    Path root;
    Detection detection;

    @BeforeEach
    void detection() {
        detection = new Detection(Map.of("/dev/sda2", root));
    }

    private static Builtin builtin(String name) {
        return Builtins.all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    /** Calls {@code name} with {@code args} ({@code null} for an unbound output). */
    private List<List<String>> call(String name, String... args) {
        return detection.run(() -> builtin(name).call(Arrays.asList(args)));
    }

    @Test
    void namesAreUniqueAndModesMatchArity() {
        assertEquals(Builtins.all().size(), new HashSet<>(Builtins.all().stream().map(Builtin::name).toList()).size());
        for (Builtin b : Builtins.all()) {
            assertTrue(b.isInput(0), b.name() + " has an input first");
            assertTrue(b.arity() >= 2, b.name());
        }
    }

    @Test
    void fstabRowsAndWarningsNameTheFilesystemAndLine() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/fstab"), "# x\nUUID=1 / ext4 defaults 0 1\nbroken\n");

        assertEquals(List.of(List.of("/dev/sda2", "/etc/fstab", "UUID=1", "/", "ext4", "defaults")),
                call("fstab", "/dev/sda2", "/etc/fstab", null, null, null, null));
        assertEquals(List.of("/dev/sda2: /etc/fstab line 3: 1 fields, expected 3 to 6, skipped"), detection.warnings());
        // asked again (also with an output bound): answered once, warned once
        call("fstab", "/dev/sda2", "/etc/fstab", "UUID=1", null, null, null);
        assertEquals(1, detection.warnings().size());
    }

    @Test
    void unmountedFilesystemsAndMissingFilesGiveNothing() {
        assertEquals(List.of(), call("is_dir", "/dev/sdz9", "/"));
        assertEquals(List.of(List.of("/dev/sda2", "/")), call("is_dir", "/dev/sda2", "/"));
        assertEquals(List.of(), call("first_line", "/dev/sda2", "/etc/issue", null));
        assertEquals(List.of(), call("reg_value", "/dev/sda2", "/SYSTEM", "\\Select", "Current", null));
        assertEquals(List.of(), call("dpkg_package", "/dev/sda2", null, null, null, null, null, null, null));
        assertEquals(List.of(), detection.warnings());
    }

    @Test
    void corruptHiveIsOneWarningAndNoRows() throws IOException {
        Files.write(root.resolve("SYSTEM"), new byte[8192]);
        assertEquals(List.of(), call("reg_value", "/dev/sda2", "/SYSTEM", "\\Select", "Current", null));
        assertEquals(List.of(), call("mounted_device", "/dev/sda2", "/SYSTEM", null, null, null, null));
        assertEquals(1, detection.warnings().size(), detection.warnings().toString());
        assertTrue(detection.warnings().get(0).startsWith("/dev/sda2: /SYSTEM: "), detection.warnings().get(0));
    }

    @Test
    void rpmPackagesFromTheDatabaseTheRulesName() throws IOException {
        Files.createDirectories(root.resolve("var/lib/rpm"));
        Files.write(root.resolve("var/lib/rpm/rpmdb.sqlite"), RpmDatabases.fedora38());

        List<List<String>> rows = call("rpm_package", "/dev/sda2", "/var/lib/rpm/rpmdb.sqlite", null, null, null, null, null, null, null);

        assertEquals(List.of("/dev/sda2", "/var/lib/rpm/rpmdb.sqlite", "NetworkManager", "1", "1.42.0", "1.fc38", "x86_64",
                "https://networkmanager.dev/", "Network connection manager and user applications"), rows.get(2));
        assertEquals(List.of("kernel-core", "bash", "NetworkManager", "fedora-release-common", "dnf"),
                rows.stream().map(r -> r.get(2)).toList());
        assertEquals(List.of(), call("rpm_package", "/dev/sda2", "/usr/lib/sysimage/rpm/rpmdb.sqlite", null, null, null, null, null,
                null, null));
        assertEquals(List.of(), detection.warnings());
    }

    @Test
    void aDamagedRpmDatabaseIsAWarningAndABadRowOneEach() throws IOException {
        Files.write(root.resolve("short.sqlite"), "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
        Files.write(root.resolve("rows.sqlite"), RpmDatabases.resource("rows.sqlite.gz"));

        assertEquals(List.of(), call("rpm_package", "/dev/sda2", "/short.sqlite", null, null, null, null, null, null, null));
        assertEquals(List.of(), call("rpm_package", "/dev/sda2", "/rows.sqlite", null, null, null, null, null, null, null));

        List<String> w = detection.warnings();
        assertEquals("/dev/sda2: /short.sqlite: 16 bytes, too short for an SQLite database", w.get(0));
        assertEquals("/dev/sda2: /rows.sqlite Packages row 1: header with 1915829106 index entries, skipped", w.get(1));
        assertEquals(1 + Builtins.MAX_LINE_WARNINGS + 1, w.size(), w.toString());
        assertEquals("/dev/sda2: /rows.sqlite: " + (1287 - Builtins.MAX_LINE_WARNINGS) + " more rows skipped", w.get(w.size() - 1));
    }

    @Test
    void stringBuiltins() {
        assertEquals(List.of(List.of("Fedora release 14 (Phony)", "Fedora release (\\d+)", "14", "")),
                call("regex", "Fedora release 14 (Phony)", "Fedora release (\\d+)", null, null));
        assertEquals(List.of(), call("regex", "fedora release 14", "Fedora release (\\d+)", null, null));
        assertEquals(List.of(List.of("fedora release 14", "FEDORA")), call("matches", "fedora release 14", "FEDORA"));
        assertEquals(List.of(List.of("Debian 5.0.1", "5", "0")), call("version_of", "Debian 5.0.1", null, null));
        assertEquals(List.of(List.of("1", "ControlSet001")), call("format_control_set", "1", null));
        assertEquals(List.of(), call("format_control_set", "x", null));
        assertEquals(List.of(List.of("9", "10")), call("num_lt", "9", "10"));
        assertEquals(List.of(), call("num_ge", "9", "10"));
        assertEquals(List.of(), call("num_lt", "9", "ten"));
        assertEquals(List.of(List.of("/dev/xvdb3", "1", "3")), call("xdev", "/dev/xvdb3", null, null));
        assertEquals(List.of(List.of("UUID=\"ab\"", "UUID=", "\"ab\"")), call("strip_prefix", "UUID=\"ab\"", "UUID=", null));
        assertEquals(List.of(List.of("\"ab\"", "ab")), call("unquote", "\"ab\"", null));
        // a bad regular expression in the rules is a warning, not an exception
        assertEquals(List.of(), call("regex", "x", "(", null, null));
        assertEquals(1, detection.warnings().size());
    }

    @Test
    void builtinsOutsideAnInspectionAreABug() {
        Builtin b = builtin("lower");
        assertThrows(IllegalStateException.class, () -> b.call(Arrays.asList("A", null)));
    }
}
