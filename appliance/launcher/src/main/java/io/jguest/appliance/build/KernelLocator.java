package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the host kernel to boot: the newest {@code /boot/vmlinuz-VERSION} (version order) that has
 * {@code /lib/modules/VERSION/modules.dep} and is readable. The running kernel is not preferred: it
 * may come without modules (containers, cloud images). Environment override: {@code JGUEST_KERNEL}
 * (the image) plus {@code JGUEST_MODULES_DIR} (its {@code /lib/modules/VERSION} directory).
 */
final class KernelLocator {
    static final String ENV_KERNEL = "JGUEST_KERNEL";
    static final String ENV_MODULES_DIR = "JGUEST_MODULES_DIR";

    private static final String INSTALL_HINT = "install a kernel package (Debian: apt-get install linux-image-amd64;"
            + " Ubuntu: apt-get install linux-image-generic; Fedora: dnf install kernel-core kernel-modules)"
            + " or set " + ENV_KERNEL + " and " + ENV_MODULES_DIR;

    /**
     * A kernel image with its modules.
     *
     * @param image      the kernel image ({@code vmlinuz-VERSION})
     * @param modulesDir its {@code /lib/modules/VERSION} directory (holds {@code modules.dep})
     * @param release    {@code VERSION}, e.g. {@code 6.1.0-56-amd64}
     */
    record Kernel(Path image, Path modulesDir, String release) {
    }

    private final Path bootDir;
    private final Path modulesRoot;
    private final Map<String, String> env;

    KernelLocator(Path bootDir, Path modulesRoot, Map<String, String> env) {
        this.bootDir = bootDir;
        this.modulesRoot = modulesRoot;
        this.env = Map.copyOf(env);
    }

    /** The locator for this host: {@code /boot}, {@code /lib/modules} and the process environment. */
    static KernelLocator forHost() {
        return new KernelLocator(Path.of("/boot"), Path.of("/lib/modules"), System.getenv());
    }

    /** Returns the kernel to boot, or fails saying what to install or fix. */
    Kernel locate() throws ApplianceException.BuildFailed {
        String kernelEnv = env.get(ENV_KERNEL);
        String modulesEnv = env.get(ENV_MODULES_DIR);
        if (isSet(kernelEnv) || isSet(modulesEnv)) {
            return fromEnvironment(kernelEnv, modulesEnv);
        }
        List<String> versions = new ArrayList<>();
        if (Files.isDirectory(bootDir)) {
            try (Stream<Path> s = Files.list(bootDir)) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("vmlinuz-") && n.length() > "vmlinuz-".length())
                        .map(n -> n.substring("vmlinuz-".length()))
                        .forEach(versions::add);
            } catch (IOException e) {
                throw new ApplianceException.BuildFailed("cannot list " + bootDir + ": " + e.getMessage(), e);
            }
        }
        versions.sort(Comparator.comparing((String v) -> v, VersionOrder.INSTANCE).reversed());
        List<String> withoutModules = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        for (String v : versions) {
            Path image = bootDir.resolve("vmlinuz-" + v);
            Path modules = modulesRoot.resolve(v);
            if (!Files.isRegularFile(image)) {
                continue;
            }
            if (!Files.isRegularFile(modules.resolve("modules.dep"))) {
                withoutModules.add(v);
                continue;
            }
            if (!Files.isReadable(image)) {
                unreadable.add(image);
                continue;
            }
            return new Kernel(image, modules, v);
        }
        if (!unreadable.isEmpty()) {
            throw new ApplianceException.BuildFailed("kernel " + unreadable.getFirst() + " is not readable by this user"
                    + " (Ubuntu installs kernels with mode 0600); fix it with: sudo chmod 0644 " + bootDir + "/vmlinuz-*");
        }
        if (!withoutModules.isEmpty()) {
            throw new ApplianceException.BuildFailed("no usable kernel: " + bootDir + "/vmlinuz-" + withoutModules.getFirst()
                    + " has no " + modulesRoot + "/" + withoutModules.getFirst() + "/modules.dep; " + INSTALL_HINT);
        }
        throw new ApplianceException.BuildFailed("no kernel found in " + bootDir + " (need vmlinuz-VERSION with "
                + modulesRoot + "/VERSION/modules.dep); " + INSTALL_HINT);
    }

    private Kernel fromEnvironment(String kernelEnv, String modulesEnv) throws ApplianceException.BuildFailed {
        if (!isSet(kernelEnv) || !isSet(modulesEnv)) {
            throw new ApplianceException.BuildFailed("set both " + ENV_KERNEL + " (kernel image) and " + ENV_MODULES_DIR
                    + " (its /lib/modules/VERSION directory), not only one");
        }
        Path image = Path.of(kernelEnv);
        Path modules = Path.of(modulesEnv);
        if (!Files.isRegularFile(image)) {
            throw new ApplianceException.BuildFailed(ENV_KERNEL + "=" + image + ": no such file");
        }
        if (!Files.isReadable(image)) {
            throw new ApplianceException.BuildFailed(ENV_KERNEL + "=" + image + " is not readable by this user;"
                    + " fix it with: sudo chmod 0644 " + image);
        }
        if (!Files.isRegularFile(modules.resolve("modules.dep"))) {
            throw new ApplianceException.BuildFailed(ENV_MODULES_DIR + "=" + modules + " has no modules.dep");
        }
        Path name = modules.toAbsolutePath().normalize().getFileName();
        return new Kernel(image, modules, name == null ? "unknown" : name.toString());
    }

    private static boolean isSet(String s) {
        return s != null && !s.isBlank();
    }
}
