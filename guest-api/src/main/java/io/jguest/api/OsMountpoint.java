package io.jguest.api;

/**
 * A filesystem and the directory the guest mounts it on, as its fstab says.
 *
 * @param mountpoint absolute guest path ({@code /}, {@code /boot})
 * @param device     the filesystem's device in the appliance's names ({@code /dev/sda1})
 */
public record OsMountpoint(String mountpoint, String device) {
}
