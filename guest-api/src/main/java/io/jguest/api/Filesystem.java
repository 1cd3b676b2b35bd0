package io.jguest.api;

/**
 * Something that can be mounted (or a swap area, or an LVM member), as blkid reports it.
 *
 * @param device guest device path ({@code /dev/sda1}, {@code /dev/vg/lv})
 * @param type   {@code ext4}, {@code xfs}, {@code vfat}, {@code ntfs}, {@code swap},
 *               {@code LVM2_member}... or {@code "unknown"}
 * @param label  filesystem label or empty
 * @param uuid   filesystem UUID or empty
 */
public record Filesystem(String device, String type, String label, String uuid) {
}
