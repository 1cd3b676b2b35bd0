package io.jguest.cli.it;

import static io.jguest.cli.it.VirtInspectorXml.child;
import static io.jguest.cli.it.VirtInspectorXml.children;
import static io.jguest.cli.it.VirtInspectorXml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.w3c.dom.Element;

/**
 * {@code scripts/guest-inspect} run as a user would. On each phony guest it says what libguestfs
 * 1.48's virt-inspector says ({@code docs/virt-inspector/NAME.xml}), field by field, and leaves the
 * image unchanged; {@code --json} carries the same content, {@code --explain} shows how the rules
 * derived the distro; an image without an operating system and bad images give exit 1 and one line
 * naming the file, with no qemu, process or temp file left behind.
 *
 * <p>Each guest-inspect run is one appliance launch: a run is made once per image and set of
 * options and shared by the tests that look at it ({@link #inspect}).
 */
class GuestInspectIT {
    static final List<String> IMAGES = PhonyGuests.NAMES;
    /** The elements holding one value, compared as text (absent on both sides is equal). */
    private static final List<String> FIELDS = List.of("root", "name", "arch", "distro", "product_name",
            "product_variant", "major_version", "minor_version", "windows_systemroot", "windows_current_control_set",
            "package_format", "package_management", "hostname", "osinfo");
    private static final String END_OF_DOCUMENT = "</operatingsystems>\n";

    /** One guest-inspect run on a phony image, with the image's SHA-256 before and after it. */
    private record Inspected(MountTool.Result result, String before, String after) {
    }

    private static final Map<String, Inspected> RUNS = new HashMap<>();

    @TempDir
    Path tmp;
    @RegisterExtension
    final MountToolExtension mounts = new MountToolExtension();


    private void assertFailsWith(String expectedLine, String... args) {
        MountTool.Result r = mounts.tool().guestInspect(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of(expectedLine), r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList(),
                r::toString);
        assertEquals("", r.out(), r::toString);
    }

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.img");
        assertFailsWith("guest-inspect: " + missing + ": no such file", "-a", missing.toString());
    }

    @Test
    void directory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("a-directory"));
        assertFailsWith("guest-inspect: " + dir + ": is a directory, not a disk image", "-a", dir.toString());
    }

    @Test
    void emptyImageAmongGoodOnes() throws IOException {
        Path good = Files.write(tmp.resolve("good.img"), new byte[1 << 20]);
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        assertFailsWith("guest-inspect: " + empty + ": is empty (0 bytes), not a disk image",
                "-a", good.toString(), "-a", empty.toString());
    }

    /**
     * guest-inspect {@code -a IMAGE OPTIONS...} on phony image {@code image}, run once per class for
     * each image and options (by the current test's tool, which checks what it leaves behind).
     */
    private Inspected inspect(String image, String... options) {
        String key = image + " " + String.join(" ", options);
        synchronized (RUNS) {
            Inspected done = RUNS.get(key);
            if (done != null) {
                return done;
            }
            Path path = PhonyGuests.get(image);
            List<String> args = new ArrayList<>(List.of("-a", path.toString()));
            args.addAll(List.of(options));
            String before = TestImages.sha256(path);
            MountTool.Result r = mounts.tool().guestInspect(args.toArray(String[]::new));
            Inspected run = new Inspected(r, before, TestImages.sha256(path));
            RUNS.put(key, run);
            return run;
        }
    }

    /** The options each image's comparison run gets: linux-gpt's also serves the --explain test. */
    private static String[] comparisonOptions(String image) {
        return image.equals(PhonyGuests.LINUX_GPT) ? new String[] {"--explain"} : new String[0];
    }

    @ParameterizedTest
    @FieldSource("IMAGES")
    void saysWhatVirtInspectorSaysAndLeavesTheImageAlone(String image) {
        Inspected run = inspect(image, comparisonOptions(image));
        MountTool.Result r = run.result();
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList(), r::toString);
        assertEquals(run.before(), run.after(), image + " was changed by guest-inspect");
        int end = r.out().indexOf(END_OF_DOCUMENT);
        assertTrue(end > 0, r::toString);
        Element ours = VirtInspectorXml.parse(r.out().substring(0, end + END_OF_DOCUMENT.length()), "guest-inspect -a " + image);
        Path reference = VirtInspectorXml.reference(image);
        Element theirs = VirtInspectorXml.parse(reference);

        List<Element> ourOses = children(ours, "operatingsystem");
        List<Element> theirOses = children(theirs, "operatingsystem");
        assertEquals(1, theirOses.size(), reference + ": operating systems");
        assertEquals(1, ourOses.size(), r::toString);
        Element our = ourOses.getFirst();
        Element their = theirOses.getFirst();
        for (String field : FIELDS) {
            assertEquals(text(their, field), text(our, field), image + ": <" + field + ">");
        }
        assertEquals(mountpoints(their), mountpoints(our), image + ": <mountpoints>");
        assertEquals(filesystems(their), filesystems(our), image + ": <filesystems>");
        assertEquals(driveMappings(their), driveMappings(our), image + ": <drive_mappings>");

        Map<String, String> theirApps = applications(their);
        Map<String, String> ourApps = applications(our);
        assertEquals(theirApps.keySet(), ourApps.keySet(), image + ": application names");
        assertEquals(theirApps, ourApps, image + ": applications (name: epoch version release arch)");
    }

    /** {@code dev path} of each mountpoint, in document order. */
    private static List<String> mountpoints(Element os) {
        return children(child(os, "mountpoints"), "mountpoint").stream()
                .map(m -> m.getAttribute("dev") + " " + m.getTextContent()).toList();
    }

    /** {@code dev type label uuid} of each filesystem in document order; no UUID for NTFS (virt-inspector's comes from another tool). */
    private static List<String> filesystems(Element os) {
        return children(child(os, "filesystems"), "filesystem").stream().map(f -> {
            String type = text(f, "type");
            String uuid = "ntfs".equals(type) ? "-" : text(f, "uuid");
            return f.getAttribute("dev") + " type=" + type + " label=" + text(f, "label") + " uuid=" + uuid;
        }).toList();
    }

    /** {@code LETTER=dev} of each drive mapping, in document order. */
    private static List<String> driveMappings(Element os) {
        return children(child(os, "drive_mappings"), "drive_mapping").stream()
                .map(d -> d.getAttribute("name") + "=" + d.getTextContent()).toList();
    }

    /** Name to {@code epoch:version-release.arch} (fields we print as virt-inspector does; not summaries). */
    private static Map<String, String> applications(Element os) {
        Map<String, String> apps = new TreeMap<>();
        for (Element a : children(child(os, "applications"), "application")) {
            String previous = apps.put(text(a, "name"), "epoch=" + text(a, "epoch") + " version=" + text(a, "version")
                    + " release=" + text(a, "release") + " arch=" + text(a, "arch"));
            assertEquals(null, previous, "application " + text(a, "name") + " listed twice");
        }
        return apps;
    }

    @Test
    void explainShowsTheRuleThatFoundTheDistro() {
        MountTool.Result r = inspect(PhonyGuests.LINUX_GPT, "--explain").result();
        assertEquals(0, r.exitCode(), r::toString);
        String explanations = r.out().substring(r.out().indexOf(END_OF_DOCUMENT) + END_OF_DOCUMENT.length());
        List<String> lines = explanations.lines().toList();
        assertEquals(List.of("", "Explanations for /dev/sda2:"), lines.subList(0, 2), r::toString);
        // the conclusion, at the first level, derived by a rule of the rules file...
        Pattern distro = Pattern.compile("^  distro\\(\"/dev/sda2\", \"debian\"\\)\\s+<- rule at inspection\\.rules:\\d+: distro\\(.*");
        int at = -1;
        for (int i = 0; i < lines.size() && at < 0; i++) {
            if (distro.matcher(lines.get(i)).matches()) {
                at = i;
            }
        }
        assertTrue(at > 0, () -> "no derivation of distro(\"/dev/sda2\", \"debian\") from inspection.rules:\n" + explanations);
        // ...from the facts below it, down to the file it read
        List<String> derivation = new ArrayList<>();
        for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("    "); i++) {
            derivation.add(lines.get(i).strip());
        }
        assertTrue(derivation.stream().anyMatch(l -> l.startsWith("first_line(\"/dev/sda2\", \"/etc/debian_version\", \"12.8\")")),
                () -> String.join("\n", derivation));
    }

    @Test
    void jsonCarriesTheSameContent() {
        Inspected run = inspect(PhonyGuests.WINDOWS_GPT, "--json");
        MountTool.Result r = run.result();
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(run.before(), run.after(), "guest-inspect --json changed the image");
        String json = r.out().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertBalanced(json);
        assertTrue(json.contains("\"operatingsystems\": ["), json);
        Element reference = child(VirtInspectorXml.parse(VirtInspectorXml.reference(PhonyGuests.WINDOWS_GPT)),
                "operatingsystem");
        assertTrue(json.contains("\"root\": \"" + text(reference, "root") + "\""), json);
        assertTrue(json.contains("\"osinfo\": \"" + text(reference, "osinfo") + "\""), json);
        assertTrue(json.contains("\"major_version\": 10,"), json);
        assertTrue(Pattern.compile("\"name\": \"E\",\\s*\"dev\": \"/dev/sda2\"").matcher(json).find(), json);
        assertTrue(json.contains("\"name\": \"7-Zip\""), json);
    }

    /** Brackets and braces outside strings nest and close; every string ends. */
    private static void assertBalanced(String json) {
        StringBuilder open = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> open.append(c);
                case '}', ']' -> {
                    assertTrue(!open.isEmpty() && open.charAt(open.length() - 1) == (c == '}' ? '{' : '['),
                            "unbalanced " + c + " at " + i + ": " + json);
                    open.setLength(open.length() - 1);
                }
                default -> {
                }
            }
        }
        assertTrue(!inString && open.isEmpty(), json);
    }

    @Test
    void aFilesystemWithoutAnOperatingSystemIsExitOne() {
        Path blank = new TestImages(tmp).ext4("blank.img", 16, "blank", "5e1f0000-0000-4000-8000-000000000001", null);
        String before = TestImages.sha256(blank);
        assertFailsWith("guest-inspect: no operating system was found on " + blank, "-a", blank.toString());
        assertEquals(before, TestImages.sha256(blank));
    }
}
