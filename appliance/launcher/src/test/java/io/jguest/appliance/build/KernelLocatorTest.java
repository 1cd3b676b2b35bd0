package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelLocatorTest {
    @TempDir
    Path root;

    private Path boot() {
        return root.resolve("boot");
    }

    private Path modules() {
        return root.resolve("lib/modules");
    }

    private void kernel(String version, boolean withModules) throws IOException {
        Files.createDirectories(boot());
        Files.writeString(boot().resolve("vmlinuz-" + version), "kernel " + version);
        if (withModules) {
            Files.createDirectories(modules().resolve(version));
            Files.writeString(modules().resolve(version).resolve("modules.dep"), "");
        }
    }

    private KernelLocator locator(Map<String, String> env) {
        return new KernelLocator(boot(), modules(), env);
    }

    @Test
    void picksNewestVersionWithModules() throws Exception {
        kernel("6.1.0-9-amd64", true);
        kernel("6.1.0-10-amd64", true);
        kernel("6.1.0-11-amd64", false); // newest, but no modules (e.g. the running cloud kernel)
        kernel("5.10.0-30-amd64", true);
        Files.createDirectories(modules().resolve("6.18.44-running"));
        KernelLocator.Kernel k = locator(Map.of()).locate();
        assertEquals("6.1.0-10-amd64", k.release());
        assertEquals(boot().resolve("vmlinuz-6.1.0-10-amd64"), k.image());
        assertEquals(modules().resolve("6.1.0-10-amd64"), k.modulesDir());
    }

    @Test
    void noKernelSaysWhatToInstall() throws Exception {
        Files.createDirectories(boot());
        ApplianceException.BuildFailed e = assertThrows(ApplianceException.BuildFailed.class, () -> locator(Map.of()).locate());
        assertTrue(e.getMessage().contains("apt-get install linux-image-amd64"), e.getMessage());
        assertTrue(e.getMessage().contains("linux-image-generic"), e.getMessage());
    }

    @Test
    void kernelWithoutModulesIsNamed() throws Exception {
        kernel("6.8.0-1-generic", false);
        ApplianceException.BuildFailed e = assertThrows(ApplianceException.BuildFailed.class, () -> locator(Map.of()).locate());
        assertTrue(e.getMessage().contains("vmlinuz-6.8.0-1-generic"), e.getMessage());
        assertTrue(e.getMessage().contains("modules.dep"), e.getMessage());
    }

    @Test
    void unreadableKernelSaysHowToFix() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        kernel("6.8.0-1-generic", true);
        Files.setPosixFilePermissions(boot().resolve("vmlinuz-6.8.0-1-generic"), PosixFilePermissions.fromString("rw-------"));
        Path f = boot().resolve("vmlinuz-6.8.0-1-generic");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        ApplianceException.BuildFailed e = assertThrows(ApplianceException.BuildFailed.class, () -> locator(Map.of()).locate());
        assertTrue(e.getMessage().contains("chmod 0644"), e.getMessage());
    }

    @Test
    void environmentOverride() throws Exception {
        kernel("6.1.0-10-amd64", true);
        Path custom = root.resolve("custom/vmlinuz");
        Path mods = root.resolve("custom/modules/6.99.0-test");
        Files.createDirectories(mods);
        Files.writeString(custom, "k");
        Files.writeString(mods.resolve("modules.dep"), "");
        KernelLocator.Kernel k = locator(Map.of(KernelLocator.ENV_KERNEL, custom.toString(),
                KernelLocator.ENV_MODULES_DIR, mods.toString())).locate();
        assertEquals(custom, k.image());
        assertEquals("6.99.0-test", k.release());
        assertThrows(ApplianceException.BuildFailed.class,
                () -> locator(Map.of(KernelLocator.ENV_KERNEL, custom.toString())).locate());
    }

    @Test
    void versionOrder() {
        List<String> sorted = new java.util.ArrayList<>(List.of("6.1.0-10-amd64", "5.10.0-9-amd64", "6.1.0-9-amd64",
                "6.10.0-1-amd64", "6.1.0-10-rt-amd64"));
        sorted.sort(VersionOrder.INSTANCE);
        assertEquals(List.of("5.10.0-9-amd64", "6.1.0-9-amd64", "6.1.0-10-amd64", "6.1.0-10-rt-amd64", "6.10.0-1-amd64"),
                sorted);
    }
}
