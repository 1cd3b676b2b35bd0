package io.jguest.appliance.build;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleResolverTest {
    @TempDir
    Path dir;
    ModuleResolver resolver;

    @BeforeEach
    void writeModulesDep() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/drivers/virtio/virtio_ring.ko.xz:
                kernel/drivers/virtio/virtio.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz
                kernel/drivers/virtio/virtio_pci_modern_dev.ko.xz:
                kernel/drivers/virtio/virtio_pci.ko.xz: kernel/drivers/virtio/virtio_pci_legacy_dev.ko.xz kernel/drivers/virtio/virtio_pci_modern_dev.ko.xz kernel/drivers/virtio/virtio.ko.xz kernel/drivers/virtio/virtio_ring.ko.xz
                kernel/drivers/virtio/virtio_pci_legacy_dev.ko.xz:
                kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko.xz kernel/drivers/virtio/virtio_ring.ko.xz
                kernel/fs/ext4/ext4.ko.zst: kernel/lib/crc16.ko.zst kernel/fs/mbcache.ko.zst kernel/fs/jbd2/jbd2.ko.zst
                kernel/lib/crc16.ko.zst:
                kernel/fs/mbcache.ko.zst:
                kernel/fs/jbd2/jbd2.ko.zst:
                kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko.xz kernel/drivers/virtio/virtio_ring.ko.xz
                kernel/fs/nls/nls_iso8859-1.ko.gz:
                kernel/test/cycle_a.ko: kernel/test/cycle_b.ko
                kernel/test/cycle_b.ko: kernel/test/cycle_a.ko
                """);
        Files.writeString(dir.resolve("modules.builtin"), """
                kernel/fs/fat/vfat.ko
                kernel/crypto/crc32c_generic.ko
                """);
        resolver = ModuleResolver.load(dir);
    }

    private static List<String> names(ModuleResolver.Resolution r) {
        return r.order().stream().map(ModuleResolver.KernelModule::name).toList();
    }

    @Test
    void dependenciesComeFirstAndOnce() {
        ModuleResolver.Resolution r = resolver.resolve(List.of("virtio_pci", "virtio_blk", "ext4"), Set.of());
        assertEquals(List.of("virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
                "virtio_blk", "jbd2", "mbcache", "crc16", "ext4"), names(r));
        assertTrue(r.missing().isEmpty());
        assertEquals(dir.resolve("kernel/fs/ext4/ext4.ko.zst"), r.order().getLast().file());
        assertEquals("ext4.ko", r.order().getLast().loadName());
    }

    @Test
    void dashesAndUnderscoresAreTheSame() {
        ModuleResolver.Resolution r = resolver.resolve(List.of("virtio_rng", "nls_iso8859_1"), Set.of());
        assertEquals(List.of("virtio_ring", "virtio", "virtio_rng", "nls_iso8859_1"), names(r));
        assertEquals("virtio-rng.ko", r.order().get(2).loadName());
        assertEquals("nls_iso8859-1.ko", r.order().get(3).loadName());
    }

    @Test
    void builtinsAreSkippedAndMissingReported() {
        ModuleResolver.Resolution r = resolver.resolve(List.of("vfat", "crc32c-generic", "nosuchfs"), Set.of());
        assertTrue(r.order().isEmpty());
        assertEquals(List.of("vfat", "crc32c-generic"), r.builtin());
        assertEquals(List.of("nosuchfs"), r.missing());
        assertTrue(resolver.isBuiltin("crc32c_generic"));
    }

    @Test
    void excludedModulesAreNotRepeated() {
        ModuleResolver.Resolution boot = resolver.resolve(List.of("virtio_pci"), Set.of());
        Set<String> loaded = Set.copyOf(names(boot));
        ModuleResolver.Resolution early = resolver.resolve(List.of("virtio_rng"), loaded);
        assertEquals(List.of("virtio_rng"), names(early));
    }

    @Test
    void cyclesAreHarmless() {
        ModuleResolver.Resolution r = resolver.resolve(List.of("cycle_a", "cycle_b"), Set.of());
        assertEquals(Set.of("cycle_a", "cycle_b"), Set.copyOf(names(r)));
        assertEquals(2, r.order().size());
    }

    @Test
    void nameOfStripsPathAndCompression() {
        assertEquals("nls_iso8859_1", ModuleResolver.nameOf("kernel/fs/nls/nls_iso8859-1.ko.zst"));
        assertEquals("dm_mod", ModuleResolver.nameOf("dm-mod"));
    }
}
