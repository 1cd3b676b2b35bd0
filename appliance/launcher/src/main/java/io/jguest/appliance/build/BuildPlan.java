package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything an appliance is built from, found on the host, plus the cache key over it. Computing a plan
 * runs no process and reads only small files (modules.dep, ELF headers, the JDK {@code release} file, the
 * daemon jars and our init scripts), so a cache hit stays cheap.
 *
 * @param kernel       the kernel and its modules
 * @param bootModules  loaded by stage 1 from the initramfs, to mount the root disk
 * @param earlyModules loaded first by stage 2's background loader, while the daemon starts
 * @param extraModules loaded in the background by stage 2, after the early ones
 * @param missingModules optional modules this kernel has neither as module nor built in
 * @param busybox      static busybox
 * @param tools        host tool name -> its host path, for the tools found with all their libraries
 * @param missingTools optional tools not found (or with a library missing)
 * @param toolLibraries shared libraries (and the loader) the tools need
 * @param jdkHome      source of the guest JRE
 * @param daemonJars   jars for {@code /opt/jguest/lib}
 * @param scripts      resource name -> content: {@code init}, {@code init2}, {@code lvm.conf}
 * @param rootFsType   the root image's filesystem: {@code squashfs} (uncompressed) when the host has
 *                     mksquashfs and the kernel squashfs, else {@code ext4}
 * @param mksquashfs   the host's mksquashfs when {@code rootFsType} is squashfs, else null
 * @param key          hex SHA-256 over all of the above and {@link ApplianceBuilder#BUILDER_VERSION}
 */
record BuildPlan(KernelLocator.Kernel kernel, List<ModuleResolver.KernelModule> bootModules,
                 List<ModuleResolver.KernelModule> earlyModules, List<ModuleResolver.KernelModule> extraModules,
                 List<String> missingModules, Path busybox, Map<String, Path> tools, List<String> missingTools,
                 Set<Path> toolLibraries, Path jdkHome, List<Path> daemonJars, Map<String, byte[]> scripts,
                 String rootFsType, Path mksquashfs, String key) {
    private static final Logger LOG = LoggerFactory.getLogger(BuildPlan.class);

    /**
     * Modules stage 1 needs to mount {@code /dev/vda} (ext4): virtio PCI transport, virtio-blk, ext4, and
     * crc32c, which ext4 (and later libcrc32c) asks the crypto API for by name at mount time: without
     * modprobe nothing would load it, and ext4 refuses to mount ("Cannot load crc32c driver").
     */
    static final List<String> BOOT_MODULES = List.of("crc32c_generic", "virtio_pci", "virtio_blk", "ext4");
    /**
     * Stage 1's modules with an (uncompressed) squashfs root image: squashfs has no dependencies and is
     * 0.16 MB against 2.5 MB for ext4, jbd2, mbcache, crc16 and crc32c, so the initramfs is half the size
     * and stage 1 about 0.2 s shorter under TCG (docs/boot-tuning.md, round 3). ext4 then loads in the
     * background with the other filesystems.
     */
    static final List<String> BOOT_MODULES_SQUASHFS = List.of("virtio_pci", "virtio_blk", "squashfs");
    /** Modules stage 2 loads first, in the background while java starts: its channel, the user disks, entropy. */
    static final List<String> EARLY_MODULES = List.of("virtio_console", "virtio_scsi", "sd_mod", "virtio_rng");
    /** Loaded in the background; the daemon waits for {@code /run/jguest/modules.done} before block I/O. */
    static final List<String> EXTRA_MODULES = List.of(
            // boot modules with an ext4 root (skipped then); ext4 asks for crc32c by name at mount time
            "crc32c_generic", "ext4",
            // btrfs soft dependencies (modprobe would load them from modules.softdep)
            "xxhash_generic", "blake2b_generic",
            "xfs", "btrfs", "vfat", "msdos", "nls_cp437", "nls_ascii", "nls_iso8859_1", "nls_utf8", "exfat", "ntfs3",
            "isofs", "udf", "squashfs", "fuse", "loop",
            "dm_mod", "dm_crypt", "dm_snapshot", "dm_mirror", "dm_zero", "dm_thin_pool",
            // LUKS: aes-xts-plain64 and cryptsetup's kernel crypto API backend
            "xts", "algif_skcipher");
    /** Host tools copied with their libraries when present; busybox covers the rest. */
    static final List<String> HOST_TOOLS = List.of("blkid", "mount", "umount", "losetup", "lvm",
            "ntfs-3g", "mount.ntfs-3g", "mount.ntfs", "cryptsetup");
    /** Init scripts and files, as resources next to this class. */
    static final List<String> SCRIPT_RESOURCES = List.of("init", "init2", "lvm.conf");
    private static final List<String> BUSYBOX_PATHS = List.of("/usr/bin/busybox", "/bin/busybox", "/usr/sbin/busybox",
            "/sbin/busybox");

    /** Finds every input on the host and computes the key. */
    static BuildPlan compute(BuildRequest request, KernelLocator locator, SharedLibraries libraries,
                             Map<String, String> env) throws ApplianceException.BuildFailed {
        KernelLocator.Kernel kernel = locator.locate();
        try {
            CacheKey key = new CacheKey().text("builder", ApplianceBuilder.BUILDER_VERSION);
            key.stat("kernel", kernel.image()).text("release", kernel.release());

            ModuleResolver resolver = ModuleResolver.load(kernel.modulesDir());
            key.stat("modules.dep", kernel.modulesDir().resolve("modules.dep"));
            Optional<Path> mksquashfs = HostCommand.find("mksquashfs");
            boolean squashfs = mksquashfs.isPresent() && resolver.resolve(List.of("squashfs"), Set.of()).missing().isEmpty();
            String rootFsType = squashfs ? "squashfs" : "ext4";
            key.text("rootfs", rootFsType);
            if (squashfs) {
                key.stat("mksquashfs", mksquashfs.get());
            } else {
                LOG.debug("root image: ext4 (no mksquashfs on this host or no squashfs in kernel {})", kernel.release());
            }
            ModuleResolver.Resolution boot = resolver.resolve(squashfs ? BOOT_MODULES_SQUASHFS : BOOT_MODULES, Set.of());
            if (!boot.missing().isEmpty()) {
                throw new ApplianceException.BuildFailed("kernel " + kernel.release() + " lacks module(s) "
                        + String.join(", ", boot.missing()) + " needed to boot the appliance (not in "
                        + kernel.modulesDir().resolve("modules.dep") + " nor built in)");
            }
            Set<String> loaded = names(boot.order());
            ModuleResolver.Resolution early = resolver.resolve(EARLY_MODULES, loaded);
            loaded.addAll(names(early.order()));
            ModuleResolver.Resolution extra = resolver.resolve(EXTRA_MODULES, loaded);
            List<String> missingModules = new ArrayList<>(early.missing());
            missingModules.addAll(extra.missing());
            for (String m : missingModules) {
                LOG.debug("kernel {} has no module {}; skipped", kernel.release(), m);
            }
            for (List<ModuleResolver.KernelModule> set : List.of(boot.order(), early.order(), extra.order())) {
                for (ModuleResolver.KernelModule m : set) {
                    key.stat("module", m.file());
                }
            }

            Path busybox = findBusybox(env);
            key.stat("busybox", busybox);

            Map<String, Path> tools = new LinkedHashMap<>();
            List<String> missingTools = new ArrayList<>();
            Set<Path> toolLibs = new LinkedHashSet<>();
            for (String name : HOST_TOOLS) {
                Optional<Path> p = HostCommand.find(name);
                if (p.isEmpty()) {
                    missingTools.add(name);
                    continue;
                }
                SharedLibraries.Closure c = libraries.closure(List.of(p.get().toRealPath()));
                if (!c.unresolved().isEmpty()) {
                    LOG.debug("tool {} skipped: {}", name, c.unresolved());
                    missingTools.add(name);
                    continue;
                }
                tools.put(name, p.get());
                toolLibs.addAll(c.files());
                key.stat("tool", p.get());
            }
            for (Path lib : toolLibs) {
                key.stat("lib", lib);
            }
            Path ldCache = Path.of("/etc/ld.so.cache");
            if (Files.isRegularFile(ldCache)) {
                key.stat("ld.so.cache", ldCache);
            }

            Path jdkHome = request.jdkHome();
            Path release = jdkHome.resolve("release");
            if (!Files.isRegularFile(release) || !Files.isExecutable(jdkHome.resolve("bin/jlink"))) {
                throw new ApplianceException.BuildFailed("cannot make the appliance's Java runtime: " + jdkHome
                        + " is not a JDK with bin/jlink and a release file (run jguest with a full JDK 25)");
            }
            key.text("jdk", jdkHome.toAbsolutePath().toString()).bytes("jdk.release", Files.readAllBytes(release));
            for (Path lib : libraries.closure(jdkNativeFiles(jdkHome)).files()) {
                if (!lib.startsWith(jdkHome)) {
                    key.stat("jdk.lib", lib);
                }
            }

            for (Path jar : request.daemonClasspath()) {
                if (!Files.isRegularFile(jar)) {
                    throw new ApplianceException.BuildFailed("daemon jar " + jar + " does not exist (is the build complete?)");
                }
                key.content("daemon.jar", jar);
            }

            Map<String, byte[]> scripts = new LinkedHashMap<>();
            for (String name : SCRIPT_RESOURCES) {
                byte[] b = resource(name);
                scripts.put(name, b);
                key.bytes("script:" + name, b);
            }
            return new BuildPlan(kernel, boot.order(), early.order(), extra.order(), List.copyOf(missingModules), busybox,
                    java.util.Collections.unmodifiableMap(tools), List.copyOf(missingTools),
                    java.util.Collections.unmodifiableSet(toolLibs), jdkHome,
                    request.daemonClasspath(), scripts, rootFsType, squashfs ? mksquashfs.get() : null, key.hex());
        } catch (IOException e) {
            throw new ApplianceException.BuildFailed("cannot read the appliance's inputs: " + e.getMessage(), e);
        }
    }

    /** Native libraries of a jlinked {@code java.base} runtime (those absent from a JDK are skipped). */
    private static final List<String> JAVA_BASE_NATIVES = List.of("lib/libjava.so", "lib/libjimage.so", "lib/libjli.so",
            "lib/libjsig.so", "lib/libnet.so", "lib/libnio.so", "lib/libverify.so", "lib/libzip.so", "lib/libsyslookup.so",
            "lib/libsimdsort.so", "lib/server/libjvm.so", "lib/jspawnhelper", "bin/java");

    /** The JDK's native files that a jlinked {@code java.base} runtime also has: their host libraries go in the key. */
    static List<Path> jdkNativeFiles(Path jdkHome) {
        List<Path> files = new ArrayList<>();
        for (String rel : JAVA_BASE_NATIVES) {
            Path p = jdkHome.resolve(rel);
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    private static Path findBusybox(Map<String, String> env) throws ApplianceException.BuildFailed, IOException {
        List<String> candidates = new ArrayList<>();
        String override = env.get("JGUEST_BUSYBOX");
        if (override != null && !override.isBlank()) {
            candidates.add(override);
        } else {
            candidates.addAll(BUSYBOX_PATHS);
        }
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p)) {
                Optional<ElfFile> elf = ElfFile.read(p);
                if (elf.isPresent() && elf.get().isStatic()) {
                    return p;
                }
                if (elf.isPresent()) {
                    throw new ApplianceException.BuildFailed(p + " is dynamically linked; the appliance needs a static"
                            + " busybox (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox)");
                }
            }
        }
        throw new ApplianceException.BuildFailed("no busybox found (looked in " + String.join(", ", candidates)
                + "); install a static one (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox)"
                + " or set JGUEST_BUSYBOX");
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = BuildPlan.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the jguest jar");
            }
            return in.readAllBytes();
        }
    }

    private static Set<String> names(List<ModuleResolver.KernelModule> modules) {
        Set<String> s = new HashSet<>();
        for (ModuleResolver.KernelModule m : modules) {
            s.add(m.name());
        }
        return s;
    }
}
