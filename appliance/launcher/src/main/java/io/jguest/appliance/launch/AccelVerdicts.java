package io.jguest.appliance.launch;

import io.jguest.appliance.Accel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, per host, whether KVM really boots the appliance. Some hosts have a {@code /dev/kvm}
 * under which guests hang (broken nested virtualisation): the first launch there waits for the KVM
 * bound, is judged broken, and every later launch goes straight to TCG.
 *
 * <p>The host identity is the host kernel release, the CPU model and the qemu version, so a kernel or
 * qemu upgrade gets a fresh verdict. Stored in {@code accel.properties} in the cache directory.
 */
public final class AccelVerdicts {
    private static final Logger log = LoggerFactory.getLogger(AccelVerdicts.class);

    /** Whether KVM can be tried at all: the device exists and we may open it read-write. */
    public interface KvmDevice {
        boolean usable();
    }

    private final Path file;
    private final String hostKey;
    private final KvmDevice kvm;

    /** The verdicts kept in {@code cacheDir} for this host and qemu. */
    public static AccelVerdicts forHost(Path cacheDir, String qemuVersion, KvmDevice kvm) {
        return new AccelVerdicts(cacheDir.resolve("accel.properties"), hostIdentity(qemuVersion), kvm);
    }

    AccelVerdicts(Path file, String hostKey, KvmDevice kvm) {
        this.file = file;
        this.hostKey = hostKey;
        this.kvm = kvm;
    }

    public static KvmDevice systemKvm() {
        return () -> {
            Path dev = Path.of("/dev/kvm");
            return Files.isReadable(dev) && Files.isWritable(dev);
        };
    }

    /** The accelerator to try first for a requested one (AUTO decides here). */
    public Accel choose(Accel requested) {
        if (requested != Accel.AUTO) {
            return requested;
        }
        if (!kvm.usable()) {
            log.debug("/dev/kvm is not usable: TCG");
            return Accel.TCG;
        }
        String verdict = load().getProperty(hostKey);
        if ("broken".equals(verdict)) {
            log.debug("KVM was judged broken on this host before: TCG");
            return Accel.TCG;
        }
        return Accel.KVM;
    }

    public void recordKvmWorks() {
        store("ok");
    }

    public void recordKvmBroken() {
        store("broken");
    }

    /** The stored verdict for this host: "ok", "broken", or null. */
    public String verdict() {
        return load().getProperty(hostKey);
    }

    private Properties load() {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                log.debug("cannot read {}: {}", file, e.toString());
            }
        }
        return p;
    }

    private synchronized void store(String value) {
        Properties p = load();
        if (value.equals(p.getProperty(hostKey))) {
            return;
        }
        p.setProperty(hostKey, value);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "accel", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "jguest: does KVM boot the appliance on this host?");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("cannot remember the KVM verdict in {}: {}", file, e.toString());
        }
    }

    static String hostIdentity(String qemuVersion) {
        String kernel = readFirstLine(Path.of("/proc/sys/kernel/osrelease"));
        String cpu = "unknown-cpu";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // keep the default
        }
        return (kernel + "|" + cpu + "|" + qemuVersion).replaceAll("[^A-Za-z0-9._|-]", "_");
    }

    private static String readFirstLine(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
