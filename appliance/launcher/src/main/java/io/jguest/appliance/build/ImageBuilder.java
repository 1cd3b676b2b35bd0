package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Builds the files of one appliance from a {@link BuildPlan} into an empty directory: {@code vmlinuz},
 * {@code initrd}, {@code root.img} and {@code appliance.properties}. Uses a {@code staging/} tree inside
 * that directory and deletes it at the end. Runs jlink, mksquashfs (or mkfs.ext4 without it) and
 * (for compressed modules) xz/zstd.
 */
final class ImageBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);

    /** Copy of the host's bzImage; always present. */
    static final String KERNEL_FILE = "vmlinuz";
    /** The uncompressed kernel, booted through PVH (no in-guest decompression); present when extractable. */
    static final String PVH_KERNEL_FILE = "vmlinux";
    static final String INITRD_FILE = "initrd";
    static final String ROOT_FILE = "root.img";
    static final String PROPERTIES_FILE = "appliance.properties";

    /** Guest directory of the JRE. */
    static final String GUEST_JRE = "/opt/jguest/jre";
    /** Guest directory of the daemon jars. */
    static final String GUEST_LIB = "/opt/jguest/lib";
    /**
     * The daemon's AOT cache ({@code -XX:AOTCache}, JEP 483/514/515), written by a training run at build
     * time ({@link #addDaemonAotCache}); {@code /init2} uses it when present.
     */
    static final String GUEST_DAEMON_AOT_CACHE = "/opt/jguest/aot/daemon.aot";
    /** One line: {@link #DAEMON_JVM_FLAGS}, read by {@code /init2}. */
    static final String GUEST_DAEMON_FLAGS = "/opt/jguest/daemon.flags";
    /** One line: the daemon's class path (the jars in a fixed order, as the AOT cache was trained with). */
    static final String GUEST_DAEMON_CLASSPATH = "/opt/jguest/daemon.classpath";
    /**
     * The daemon's JVM flags. The training run uses exactly these too: the JVM only uses an AOT cache
     * made with the same GC, compressed oops... So they live here, not in {@code /init2}; bump
     * {@link ApplianceBuilder#BUILDER_VERSION} when changing them.
     */
    static final List<String> DAEMON_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            "--enable-native-access=ALL-UNNAMED");
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);
    private static final String GUEST_BOOT_MODULES = "lib/modules/boot";
    private static final String GUEST_EXTRA_MODULES = "/lib/modules/extra";
    /** Empty mount points and directories of the root image. */
    private static final List<String> ROOT_DIRS = List.of("/bin", "/sbin", "/lib", "/lib64", "/proc", "/sys", "/dev", "/run", "/tmp", "/sysroot", "/var",
            "/etc", "/mnt", "/root", "/opt/jguest/lib", "/opt/jguest/aot", "/etc/jguest");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);
    private static final int BLOCK = 4096;

    private final BuildPlan plan;
    private final Consumer<String> progress;

    ImageBuilder(BuildPlan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /** Builds everything into {@code dir} (existing, empty). */
    void buildInto(Path dir) throws ApplianceException.BuildFailed {
        Path stagingDir = dir.resolve("staging");
        try {
            Files.createDirectories(stagingDir);
            StagingTree staging = new StagingTree(stagingDir, Path.of("/"));

            progress.accept("building appliance (first run, ~30 s): kernel modules...");
            writeInitramfs(dir.resolve(INITRD_FILE));
            writeExtraModules(staging);

            progress.accept("building appliance: host tools and libraries...");
            for (String m : plan.missingTools()) {
                progress.accept("building appliance: " + m + " not found on this host; the appliance will lack it");
            }
            copyUserland(staging);

            progress.accept("building appliance: java runtime (jlink)...");
            linkJre(staging);
            copyDaemonJars(staging);
            addDaemonAotCache(staging);

            progress.accept("building appliance: root image...");
            staging.mkdirs(ROOT_DIRS.toArray(String[]::new));
            staging.write("/init2", plan.scripts().get("init2"), true);
            staging.write("/etc/jguest/lvm.conf", plan.scripts().get("lvm.conf"), false);
            staging.write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII), false);
            staging.write("/etc/group", "root:x:0:\n".getBytes(StandardCharsets.US_ASCII), false);
            staging.symlinkIfAbsent("/etc/mtab", "/proc/self/mounts");
            byte[] props = properties().getBytes(StandardCharsets.UTF_8);
            staging.write("/etc/jguest/appliance.properties", props, false);
            if (plan.mksquashfs() != null) {
                makeSquashfs(stagingDir, dir.resolve(ROOT_FILE));
            } else {
                makeExt4(stagingDir, dir.resolve(ROOT_FILE));
            }
            deleteTree(stagingDir);

            progress.accept("building appliance: kernel...");
            Files.copy(plan.kernel().image(), dir.resolve(KERNEL_FILE), StandardCopyOption.REPLACE_EXISTING);
            boolean pvh = KernelImage.extractPvhKernel(dir.resolve(KERNEL_FILE), dir.resolve(PVH_KERNEL_FILE));
            if (!pvh) {
                LOG.debug("booting the compressed kernel {} (no PVH vmlinux could be extracted)", plan.kernel().image());
            }
            Files.writeString(dir.resolve(PROPERTIES_FILE), new String(props, StandardCharsets.UTF_8)
                    + "kernel.file=" + (pvh ? PVH_KERNEL_FILE : KERNEL_FILE) + "\n");
        } catch (IOException e) {
            throw new ApplianceException.BuildFailed("cannot build the appliance in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void writeInitramfs(Path file) throws IOException, ApplianceException.BuildFailed {
        try (CpioWriter cpio = CpioWriter.create(file)) {
            for (String d : List.of("bin", "dev", "proc", "sys", "newroot", "lib", "lib/modules", GUEST_BOOT_MODULES)) {
                cpio.dir(d, 0755);
            }
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.charDevice("dev/null", 0666, 1, 3);
            cpio.file("bin/busybox", 0755, plan.busybox());
            cpio.file("init", 0755, plan.scripts().get("init"));
            StringBuilder order = new StringBuilder();
            for (ModuleResolver.KernelModule m : plan.bootModules()) {
                cpio.file(GUEST_BOOT_MODULES + "/" + m.loadName(), 0644, decompressed(m));
                order.append(m.loadName()).append('\n');
            }
            cpio.file(GUEST_BOOT_MODULES + "/order", 0644, order.toString().getBytes(StandardCharsets.UTF_8));
            cpio.file("rootfstype", 0644, (plan.rootFsType() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void writeExtraModules(StagingTree staging) throws IOException, ApplianceException.BuildFailed {
        staging.mkdirs(GUEST_EXTRA_MODULES);
        writeModuleList(staging, "early", plan.earlyModules());
        writeModuleList(staging, "order", plan.extraModules());
    }

    private void writeModuleList(StagingTree staging, String listName, List<ModuleResolver.KernelModule> modules)
            throws IOException, ApplianceException.BuildFailed {
        StringBuilder order = new StringBuilder();
        for (ModuleResolver.KernelModule m : modules) {
            staging.write(GUEST_EXTRA_MODULES + "/" + m.loadName(), decompressed(m), false);
            order.append(m.loadName()).append('\n');
        }
        staging.write(GUEST_EXTRA_MODULES + "/" + listName, order.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /** The module's bytes, decompressed: busybox insmod may not read compressed modules. */
    static byte[] decompressed(ModuleResolver.KernelModule m) throws IOException, ApplianceException.BuildFailed {
        Path f = m.file();
        String name = f.getFileName().toString();
        if (name.endsWith(".ko")) {
            return Files.readAllBytes(f);
        }
        if (name.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                return in.readAllBytes();
            }
        }
        String tool;
        String pkg;
        if (name.endsWith(".ko.xz")) {
            tool = "xz";
            pkg = "xz-utils (Debian/Ubuntu) or xz (Fedora)";
        } else if (name.endsWith(".ko.zst")) {
            tool = "zstd";
            pkg = "zstd";
        } else {
            throw new ApplianceException.BuildFailed("unknown kernel module compression: " + f);
        }
        Path exe = HostCommand.find(tool).orElseThrow(() -> new ApplianceException.BuildFailed(
                "kernel module " + f + " is compressed; install " + pkg + " so jguest can decompress it"));
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Files.size(f) * 4);
        HostCommand.runTo(List.of(exe.toString(), "-dc", f.toString()), out, TOOL_TIMEOUT);
        return out.toByteArray();
    }

    private void copyUserland(StagingTree staging) throws IOException {
        staging.copy(plan.busybox(), "/bin/busybox", true);
        for (Path tool : plan.tools().values()) {
            staging.copyHostFile(tool);
        }
        for (Path lib : plan.toolLibraries()) {
            staging.copyHostFile(lib);
        }
        Path ldCache = Path.of("/etc/ld.so.cache");
        if (Files.isRegularFile(ldCache)) {
            staging.copy(ldCache, "/etc/ld.so.cache", false);
        }
    }

    /**
     * Busybox applet links in {@code /bin} for every applet no host tool provides, so the daemon finds
     * {@code sync}, {@code sleep}... on {@code PATH}. Done last so real tools always win.
     */
    private void linkApplets(StagingTree staging) throws IOException {
        String list = HostCommand.run(List.of(plan.busybox().toString(), "--list"), TOOL_TIMEOUT);
        for (String applet : list.split("\\s+")) {
            if (applet.isEmpty() || applet.contains("/") || applet.equals("busybox")) {
                continue;
            }
            boolean present = false;
            for (String d : List.of("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/")) {
                present |= staging.exists(d + applet);
            }
            if (!present) {
                staging.symlinkIfAbsent("/bin/" + applet, "busybox");
            }
        }
    }

    private void linkJre(StagingTree staging) throws IOException, ApplianceException.BuildFailed {
        staging.mkdirs("/opt/jguest");
        Path out = staging.at(Path.of(GUEST_JRE));
        String jlink = plan.jdkHome().resolve("bin/jlink").toString();
        List<String> cmd = new ArrayList<>(List.of(jlink, "--add-modules", "java.base", "--strip-debug", "--no-man-pages",
                "--no-header-files", "--compress=zip-0", "--output", out.toString()));
        List<String> withCds = new ArrayList<>(cmd);
        withCds.add("--generate-cds-archive");
        try {
            HostCommand.run(withCds, TOOL_TIMEOUT);
        } catch (IOException e) {
            LOG.debug("jlink --generate-cds-archive failed, linking without CDS: {}", e.getMessage());
            progress.accept("building appliance: no CDS archive for the guest JRE (slower daemon start): " + e.getMessage());
            deleteTree(out);
            try {
                HostCommand.run(cmd, TOOL_TIMEOUT);
            } catch (IOException e2) {
                throw new ApplianceException.BuildFailed("jlink failed: " + e2.getMessage(), e2);
            }
        }
        // Only used with heaps over 32 GiB; the guest never has one.
        Files.deleteIfExists(out.resolve("lib/server/classes_nocoops.jsa"));

        List<Path> elfs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                if (ElfFile.read(p).isPresent()) {
                    elfs.add(p);
                }
            }
        }
        SharedLibraries.Closure c = SharedLibraries.forHost().closure(elfs);
        if (!c.unresolved().isEmpty()) {
            throw new ApplianceException.BuildFailed("the guest Java runtime needs libraries this host lacks: "
                    + String.join(", ", c.unresolved()));
        }
        for (Path lib : c.files()) {
            if (!lib.startsWith(staging.root())) {
                staging.copyHostFile(lib);
            }
        }
    }

    private void copyDaemonJars(StagingTree staging) throws IOException {
        List<String> classpath = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        for (Path jar : plan.daemonJars()) {
            String name = jar.getFileName().toString();
            if (!names.add(name)) {
                name = (i) + "-" + name;
                names.add(name);
            }
            staging.copy(jar, GUEST_LIB + "/" + name, false);
            classpath.add(GUEST_LIB + "/" + name);
            i++;
        }
        staging.write(GUEST_DAEMON_CLASSPATH, (String.join(":", classpath) + "\n").getBytes(StandardCharsets.UTF_8), false);
        staging.write(GUEST_DAEMON_FLAGS, (String.join(" ", DAEMON_JVM_FLAGS) + "\n").getBytes(StandardCharsets.UTF_8),
                false);
    }

    /**
     * The daemon's AOT cache ({@value #GUEST_DAEMON_AOT_CACHE}): a training run of the daemon
     * ({@code DaemonMain --train}, see the daemon's {@code Training}) under the guest JRE itself, on
     * the staged jars, with {@link #DAEMON_JVM_FLAGS} and {@code -XX:AOTCacheOutput}. The JVM accepts
     * the cache at the guest paths: it checks the runtime image by content and relocates the class
     * path by its common prefix. Without a cache (training failed) the daemon just starts slower.
     */
    private void addDaemonAotCache(StagingTree staging) throws IOException {
        staging.mkdirs("/opt/jguest/aot");
        Path cache = staging.at(Path.of(GUEST_DAEMON_AOT_CACHE));
        String classpath = Files.readString(staging.at(Path.of(GUEST_DAEMON_CLASSPATH))).strip();
        List<String> cp = new ArrayList<>();
        for (String jar : classpath.split(":")) {
            cp.add(staging.at(Path.of(jar)).toString());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(staging.at(Path.of(GUEST_JRE, "bin/java")).toString());
        cmd.addAll(DAEMON_JVM_FLAGS);
        cmd.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-cp", String.join(":", cp), "io.jguest.daemon.DaemonMain",
                "--train"));
        progress.accept("building appliance: daemon AOT cache (training run)...");
        long start = System.nanoTime();
        try {
            // A clean environment: JAVA_TOOL_OPTIONS & co. would change the flags the cache is made with.
            HostCommand.run(cmd, TRAINING_TIMEOUT, Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C"));
        } catch (IOException e) {
            LOG.debug("daemon AOT training failed: {}", e.getMessage());
            progress.accept("building appliance: no AOT cache for the daemon (slower start): " + e.getMessage());
            Files.deleteIfExists(cache);
            return;
        } finally {
            Files.deleteIfExists(cache.resolveSibling(cache.getFileName() + ".config"));
        }
        LOG.debug("daemon AOT cache: {} bytes in {} ms", Files.exists(cache) ? Files.size(cache) : -1,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * An uncompressed squashfs (no decompression in the guest; stage 1 needs only squashfs.ko), every
     * file owned by root, no xattrs. Read-only, like the ext4 image it replaces: stage 2 mounts tmpfs on
     * the directories it writes to.
     */
    private void makeSquashfs(Path stagingDir, Path image) throws IOException, ApplianceException.BuildFailed {
        linkApplets(new StagingTree(stagingDir, Path.of("/")));
        Files.deleteIfExists(image);
        List<String> cmd = List.of(plan.mksquashfs().toString(), stagingDir.toString(), image.toString(),
                "-noI", "-noD", "-noF", "-noX", "-all-root", "-no-xattrs", "-no-progress");
        try {
            HostCommand.run(cmd, TOOL_TIMEOUT);
        } catch (IOException e) {
            throw new ApplianceException.BuildFailed("mksquashfs failed to make " + image + ": " + e.getMessage(), e);
        }
    }

    private void makeExt4(Path stagingDir, Path image) throws IOException, ApplianceException.BuildFailed {
        linkApplets(new StagingTree(stagingDir, Path.of("/")));
        long[] usage = usage(stagingDir);
        long inodes = usage[1] + usage[1] / 10 + 256;
        long blocks = usage[0] + usage[0] / 10 + inodes / (BLOCK / 256) + 4096;
        Path mkfs = HostCommand.find("mkfs.ext4").or(() -> HostCommand.find("mke2fs")).orElseThrow(
                () -> new ApplianceException.BuildFailed("mkfs.ext4 not found; install e2fsprogs"));
        for (int attempt = 0; ; attempt++) {
            Files.deleteIfExists(image);
            List<String> cmd = List.of(mkfs.toString(), "-t", "ext4", "-q", "-F", "-T", "default",
                    "-d", stagingDir.toString(), "-L", "jguest-root",
                    "-O", "^has_journal,^metadata_csum,^resize_inode", "-E", "root_owner=0:0", "-b", Integer.toString(BLOCK),
                    "-N", Long.toString(inodes), "-m", "0", image.toString(), (blocks * (BLOCK / 1024)) + "k");
            try {
                HostCommand.run(cmd, TOOL_TIMEOUT);
                return;
            } catch (IOException e) {
                if (attempt >= 1) {
                    throw new ApplianceException.BuildFailed("mkfs.ext4 failed to make " + image + ": " + e.getMessage(), e);
                }
                LOG.debug("mkfs.ext4 failed ({}); retrying with a larger image", e.getMessage());
                blocks = blocks * 2;
                inodes = inodes * 2;
            }
        }
    }

    /** {blocks of BLOCK bytes, entries} used by a tree. */
    private static long[] usage(Path dir) throws IOException {
        long[] u = new long[2];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                u[0] += 1;
                u[1] += 1;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                u[0] += (a.size() + BLOCK - 1) / BLOCK;
                u[1] += 1;
                return FileVisitResult.CONTINUE;
            }
        });
        return u;
    }

    private String properties() {
        StringBuilder sb = new StringBuilder("# jguest appliance (generated)\n");
        sb.append("key=").append(plan.key()).append('\n');
        sb.append("builder.version=").append(ApplianceBuilder.BUILDER_VERSION).append('\n');
        sb.append("kernel.release=").append(plan.kernel().release()).append('\n');
        sb.append("kernel.image=").append(plan.kernel().image()).append('\n');
        sb.append("kernel.args=").append(String.join(" ", ApplianceBuilder.KERNEL_ARGS)).append('\n');
        sb.append("tools.present=").append(String.join(",", plan.tools().keySet())).append('\n');
        sb.append("tools.missing=").append(String.join(",", plan.missingTools())).append('\n');
        sb.append("modules.missing=").append(String.join(",", plan.missingModules())).append('\n');
        sb.append("jdk.home=").append(plan.jdkHome()).append('\n');
        return sb.toString();
    }

    /** Deletes a tree without following symlinks; absent is fine. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
