/**
 * The appliance builder: turns host files into a bootable, cached appliance
 * ({@link io.jguest.appliance.build.ApplianceBuilder}, {@link io.jguest.appliance.build.Appliance}).
 *
 * <p>Owns: choosing the host kernel ({@code KernelLocator}), resolving kernel modules from
 * {@code modules.dep} ({@code ModuleResolver}), finding host tools and their shared libraries by reading
 * ELF headers ({@code ElfFile}, {@code SharedLibraries}), the guest JRE (jlink of {@code java.base} with a
 * CDS archive), the initramfs (cpio newc written in Java, {@code CpioWriter}), the root image
 * (uncompressed squashfs with {@code mksquashfs}, else ext4 with {@code mkfs.ext4 -d}; no root privileges), the stage-1 and stage-2 init scripts (resources
 * {@code init} and {@code init2} next to this package) and the cache ({@code cacheDir/appliance-<key16>/},
 * {@code lock}, {@code tmp-*}). See docs/DESIGN.md, "Guest file layout".
 *
 * <p>Kernel: the host bzImage is copied as {@code vmlinuz}; when it has a PVH entry note its uncompressed
 * ELF is also extracted as {@code vmlinux} ({@code KernelImage}) and {@link io.jguest.appliance.build.Appliance#kernel()}
 * points there: qemu boots it directly, which saves about 2 s of in-guest decompression under TCG.
 *
 * <p>Guest layout it produces, beyond DESIGN.md: {@code /lib/modules/extra/early} (modules stage 2 loads
 * synchronously) and {@code /lib/modules/extra/order} (loaded in the background, then
 * {@code /run/jguest/modules.done}); {@code /etc/jguest/lvm.conf} (copied to {@code /run/lvm}); busybox
 * applet links in {@code /bin} for applets no host tool provides; {@code /etc/jguest/appliance.properties}
 * (tools present and missing); {@code /opt/jguest/aot/} reserved for a daemon AOT cache.
 *
 * <p>Must not depend on {@code io.jguest.appliance.launch} or {@code .rpc}: it runs no qemu and speaks no
 * protocol. The processes it runs are host build tools (jlink, mksquashfs or mkfs.ext4, xz/zstd, busybox --list), and
 * only when building, never on a cache hit.
 */
package io.jguest.appliance.build;
