package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Really builds an appliance from this host (skipped when the host lacks a kernel, busybox or mkfs.ext4). */
class ApplianceBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void buildsOnceThenHitsTheCache() throws Exception {
        assumeHostCanBuild();
        Path jar = tmp.resolve("daemon.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("dummy.txt"));
            out.write("daemon".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Path cache = tmp.resolve("cache");
        BuildRequest request = new BuildRequest(cache, List.of(jar));

        // two builders at once (two threads stand in for two processes): one builds, the other waits and reuses
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        Appliance first;
        Appliance second;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Appliance> a = pool.submit(() -> ApplianceBuilder.create(request).getOrBuild(progress::add));
            Future<Appliance> b = pool.submit(() -> ApplianceBuilder.create(request).getOrBuild(progress::add));
            first = a.get();
            second = b.get();
        }
        assertEquals(first, second);
        assertEquals(1, progress.stream().filter(l -> l.startsWith("appliance ready")).count(), progress.toString());
        assertTrue(Files.isRegularFile(first.kernel()));
        assertTrue(Files.isRegularFile(first.dir().resolve(ImageBuilder.KERNEL_FILE)), "the bzImage copy is always kept");
        if (first.kernel().getFileName().toString().equals(ImageBuilder.PVH_KERNEL_FILE)) {
            assertTrue(KernelImage.isCompletePvhElf(first.kernel()));
        }
        assertTrue(Files.size(first.rootImage()) > 10 << 20);
        assertEquals(cache.resolve("appliance-" + first.key().substring(0, 16)), first.dir());
        assertTrue(first.kernelRelease().length() > 0);

        Map<String, byte[]> initrd = readCpio(first.initrd());
        assertTrue(initrd.containsKey("init"));
        assertTrue(initrd.containsKey("bin/busybox"));
        assertTrue(initrd.containsKey("dev/console"));
        String order = new String(initrd.get("lib/modules/boot/order"), StandardCharsets.UTF_8);
        String fsType = new String(initrd.get("rootfstype"), StandardCharsets.US_ASCII).strip();
        assertTrue(fsType.equals("squashfs") || fsType.equals("ext4"), fsType);
        assertTrue(order.contains(fsType + ".ko") || order.isEmpty() || fsType.equals("squashfs"), order);
        for (String module : order.lines().toList()) {
            assertTrue(initrd.containsKey("lib/modules/boot/" + module), module);
        }

        List<String> hitProgress = new ArrayList<>();
        long t0 = System.nanoTime();
        Appliance hit = ApplianceBuilder.create(request).getOrBuild(hitProgress::add);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(first, hit);
        assertEquals(List.of(), hitProgress);
        assertTrue(ms < 3000, "cache hit took " + ms + " ms");
        try (var s = Files.list(cache)) {
            assertEquals(List.of("appliance-" + first.key().substring(0, 16), "lock"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private static Map<String, byte[]> readCpio(Path file) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            for (CpioArchiveEntry e; (e = cpio.getNextEntry()) != null; ) {
                out.put(e.getName(), cpio.readAllBytes());
            }
        }
        return out;
    }

    private static void assumeHostCanBuild() {
        try {
            KernelLocator.forHost().locate();
        } catch (ApplianceException.BuildFailed e) {
            Assumptions.abort("no usable host kernel: " + e.getMessage());
        }
        Assumptions.assumeTrue(HostCommand.find("mkfs.ext4").isPresent(), "mkfs.ext4 missing");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")) || Files.isRegularFile(Path.of("/usr/bin/busybox")),
                "busybox missing");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jlink")), "no jlink");
    }
}
