package io.jguest.daemon.posix;

/** x86-64 Linux constants for the calls in {@link Libc}. Values are fixed by the kernel ABI. */
public final class Flags {
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_NOCTTY = 0400;
    public static final int O_NONBLOCK = 04000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    public static final int O_TMPFILE = 020000000 | O_DIRECTORY;

    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_IN_ROOT = 0x10;

    public static final int MNT_DETACH = 2;
    /** {@code LINUX_REBOOT_CMD_RESTART} (glibc {@code RB_AUTOBOOT}). */
    public static final int RB_AUTOBOOT = 0x01234567;

    public static final int CLOCK_REALTIME = 0;
    /** {@code _IOW('R', 0x03, int[2])}: add (and credit) entropy to the input pool. */
    public static final long RNDADDENTROPY = 0x40085203L;
    /** {@code _IO('R', 0x07)}: reseed the CRNG from the input pool now (Linux 4.17+). */
    public static final long RNDRESEEDCRNG = 0x5207L;

    private Flags() {
    }
}
