package io.jguest.api;

/**
 * A whole disk as the guest sees it ({@code /dev/sda}), in the order the drives were added.
 *
 * @param device     guest device path, e.g. {@code /dev/sda}
 * @param size       size in bytes
 * @param readOnly   whether the guest kernel sees the device read-only
 * @param tableType  partition table: {@code "dos"} (MBR), {@code "gpt"}, or null when none
 * @param diskId     MBR disk signature as 8 lower-case hex digits, GPT disk GUID, or null
 */
public record BlockDevice(String device, long size, boolean readOnly, String tableType, String diskId) {
}
