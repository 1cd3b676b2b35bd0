package io.jguest.api;

/**
 * A partition of a {@link BlockDevice}.
 *
 * @param device    guest device path, e.g. {@code /dev/sda2}
 * @param disk      the whole disk, e.g. {@code /dev/sda}
 * @param number    partition number (1-based)
 * @param start     offset of the first byte, in bytes
 * @param size      size in bytes
 * @param tableType {@code "dos"} or {@code "gpt"}
 * @param type      MBR type as hex ({@code "0x83"}) or GPT type GUID (lower case)
 * @param uuid      GPT partition GUID (lower case); for MBR the {@code SIGNATURE-NN} PARTUUID
 */
public record Partition(String device, String disk, int number, long start, long size, String tableType,
                        String type, String uuid) {
}
