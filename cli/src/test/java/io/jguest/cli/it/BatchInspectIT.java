package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guest-inspect --batch} over the four phony guests plus an empty file, a file of random bytes
 * and a truncated qcow2 header, with one appliance: each guest's entry is exactly what a single-image
 * {@code guest-inspect -a} prints for it, the bad images fail alone with one line each, no image
 * changes, and nothing is left running.
 */
class BatchInspectIT {
    private static final String HEADER = "<?xml version=\"1.0\"?>\n";

    @TempDir
    Path tmp;
    @RegisterExtension
    final MountToolExtension mounts = new MountToolExtension();


    @Test
    void eachGuestAsAloneAndTheBadOnesFailAlone() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        byte[] noise = new byte[4 << 20];
        new Random(5).nextBytes(noise);
        Path random = Files.write(tmp.resolve("random.img"), noise);
        byte[] qcow = new byte[4096];
        System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}, 0, qcow, 0, 8);
        Path corrupt = Files.write(tmp.resolve("corrupt.qcow2"), qcow);

        List<Path> images = new ArrayList<>();
        PhonyGuests.NAMES.forEach(n -> images.add(PhonyGuests.get(n)));
        images.add(2, empty);
        images.add(random);
        images.add(corrupt);
        Map<Path, String> before = new LinkedHashMap<>();
        images.forEach(i -> before.put(i, TestImages.sha256(i)));

        // half on the command line, half in a list file
        Path list = Files.writeString(tmp.resolve("list.txt"), "# the rest\n\n"
                + String.join("\n", images.subList(3, images.size()).stream().map(Path::toString).toList()) + "\n",
                StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--batch"));
        images.subList(0, 3).forEach(i -> args.add(i.toString()));
        args.addAll(List.of("--batch-file", list.toString()));
        MountTool.Result batch = mounts.tool().guestInspect(args.toArray(String[]::new));

        assertEquals(1, batch.exitCode(), batch::toString);
        assertEquals(List.of(
                "guest-inspect: " + empty + ": is empty (0 bytes), not a disk image",
                "guest-inspect: " + random + ": no operating system was found",
                "guest-inspect: " + corrupt.toString()), batch.errLines().stream()
                .filter(l -> !MountTool.isBuildProgress(l) && !l.contains(": warning: "))
                .map(l -> l.startsWith("guest-inspect: " + corrupt) ? "guest-inspect: " + corrupt : l).toList(), batch::toString);
        String out = batch.out();
        assertTrue(out.startsWith(HEADER + "<guests>\n"), batch::toString);
        assertTrue(out.endsWith("</guests>\n"), batch::toString);
        assertTrue(out.contains("  <guest image=\"" + empty + "\" error=\"" + empty + ": is empty (0 bytes), not a disk image\"/>\n"),
                batch::toString);
        assertTrue(out.contains("  <guest image=\"" + random + "\" error=\"no operating system was found\"/>\n"), batch::toString);
        assertTrue(out.contains("  <guest image=\"" + corrupt + "\" error=\"" + corrupt + ": "), batch::toString);

        for (String name : PhonyGuests.NAMES) {
            Path image = PhonyGuests.get(name);
            MountTool.Result single = mounts.tool().guestInspect("-a", image.toString());
            assertEquals(0, single.exitCode(), single::toString);
            assertTrue(single.out().startsWith(HEADER), single::toString);
            StringBuilder entry = new StringBuilder("  <guest image=\"" + image + "\">\n");
            single.out().substring(HEADER.length()).lines().forEach(l -> entry.append("    ").append(l).append('\n'));
            entry.append("  </guest>\n");
            assertTrue(out.contains(entry), name + ": the batch's entry differs from guest-inspect -a's:\n" + entry
                    + "\n--- batch:\n" + out);
        }
        for (Map.Entry<Path, String> e : before.entrySet()) {
            assertEquals(e.getValue(), TestImages.sha256(e.getKey()), e.getKey() + " was changed");
        }
    }

    @Test
    void jsonHasOneEntryPerImage() throws IOException {
        Path missing = tmp.resolve("missing.img");
        Path gpt = PhonyGuests.get(PhonyGuests.LINUX_GPT);
        MountTool.Result r = mounts.tool().guestInspect("--batch", missing.toString(), gpt.toString(), "--json");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("{\n  \"guests\": [\n    {\n      \"image\": \"" + missing + "\",\n      \"error\": \""
                + missing + ": no such file\"\n    },\n    {\n      \"image\": \"" + gpt + "\",\n      \"operatingsystems\": [\n"),
                r::toString);
        assertTrue(r.out().contains("\"root\": \"/dev/sda2\""), r::toString);
    }
}
