package io.jguest.api;

/**
 * A Windows drive letter and the filesystem it names, from the registry's {@code MountedDevices}.
 *
 * @param letter one upper-case letter ({@code C})
 * @param device the filesystem's device in the appliance's names ({@code /dev/sda2})
 */
public record DriveMapping(String letter, String device) {
}
