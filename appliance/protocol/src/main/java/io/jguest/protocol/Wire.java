package io.jguest.protocol;

/** Protocol constants shared by both ends. */
public final class Wire {
    /** "JGST": first field of the hello. */
    public static final int MAGIC = 0x4A475354;
    /** Bumped on any incompatible change; the host refuses a daemon with another version. */
    public static final int VERSION = 1;
    /** Largest read or write carried by one call (FUSE asks for at most 1 MiB). */
    public static final int MAX_IO = 4 * 1024 * 1024;
    /** Largest frame either side accepts: one maximal I/O plus room for headers and paths. */
    public static final int MAX_FRAME = MAX_IO + 64 * 1024;
    /** Bytes of a frame header after the length word: serial, procedure, kind. */
    public static final int HEADER_BYTES = 4 + 2 + 1;
    /** Name of the virtio-serial port (in the guest: /sys/class/virtio-ports/vportNpM/name). */
    public static final String PORT_NAME = "io.jguest.channel.0";

    private Wire() {
    }
}
