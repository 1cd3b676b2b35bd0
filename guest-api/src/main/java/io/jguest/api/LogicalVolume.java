package io.jguest.api;

/** An active LVM logical volume: {@code /dev/VG/LV}, its group and name, and its size in bytes. */
public record LogicalVolume(String device, String volumeGroup, String name, long size) {
}
