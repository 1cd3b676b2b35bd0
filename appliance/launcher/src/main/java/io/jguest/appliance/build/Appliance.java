package io.jguest.appliance.build;

import java.nio.file.Path;
import java.util.List;

/**
 * A built appliance in the cache, ready to boot.
 *
 * @param dir           the cache directory holding it (one per input hash)
 * @param kernel        kernel image for {@code -kernel}
 * @param initrd        initramfs for {@code -initrd}
 * @param rootImage     read-only root disk (raw), attached as the first virtio-blk disk: {@code /dev/vda}
 * @param kernelArgs    kernel command-line arguments the init needs (besides console/quiet/drives)
 * @param kernelRelease e.g. {@code 6.1.0-56-amd64}
 * @param key           the input hash
 */
public record Appliance(Path dir, Path kernel, Path initrd, Path rootImage, List<String> kernelArgs,
                        String kernelRelease, String key) {
}
