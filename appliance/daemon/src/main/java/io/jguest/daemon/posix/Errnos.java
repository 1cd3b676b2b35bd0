package io.jguest.daemon.posix;

import io.jguest.api.Errno;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The one table between x86-64 Linux errno numbers and {@link Errno} names. {@code ENOTSUP} and
 * {@code EOPNOTSUPP} share a number on Linux; the number maps back to {@code EOPNOTSUPP}.
 */
public final class Errnos {
    private static final Map<Errno, Integer> NUMBERS = new EnumMap<>(Errno.class);
    private static final Map<Integer, Errno> NAMES = new HashMap<>();

    static {
        define(Errno.EPERM, 1);
        define(Errno.ENOENT, 2);
        define(Errno.ESRCH, 3);
        define(Errno.EINTR, 4);
        define(Errno.EIO, 5);
        define(Errno.ENXIO, 6);
        define(Errno.E2BIG, 7);
        define(Errno.ENOEXEC, 8);
        define(Errno.EBADF, 9);
        define(Errno.ECHILD, 10);
        define(Errno.EAGAIN, 11);
        define(Errno.ENOMEM, 12);
        define(Errno.EACCES, 13);
        define(Errno.EFAULT, 14);
        define(Errno.ENOTBLK, 15);
        define(Errno.EBUSY, 16);
        define(Errno.EEXIST, 17);
        define(Errno.EXDEV, 18);
        define(Errno.ENODEV, 19);
        define(Errno.ENOTDIR, 20);
        define(Errno.EISDIR, 21);
        define(Errno.EINVAL, 22);
        define(Errno.ENFILE, 23);
        define(Errno.EMFILE, 24);
        define(Errno.ENOTTY, 25);
        define(Errno.ETXTBSY, 26);
        define(Errno.EFBIG, 27);
        define(Errno.ENOSPC, 28);
        define(Errno.ESPIPE, 29);
        define(Errno.EROFS, 30);
        define(Errno.EMLINK, 31);
        define(Errno.EPIPE, 32);
        define(Errno.EDOM, 33);
        define(Errno.ERANGE, 34);
        define(Errno.EDEADLK, 35);
        define(Errno.ENAMETOOLONG, 36);
        define(Errno.ENOLCK, 37);
        define(Errno.ENOSYS, 38);
        define(Errno.ENOTEMPTY, 39);
        define(Errno.ELOOP, 40);
        define(Errno.ENOMSG, 42);
        define(Errno.EIDRM, 43);
        define(Errno.ENODATA, 61);
        define(Errno.ETIME, 62);
        define(Errno.ENOLINK, 67);
        define(Errno.EPROTO, 71);
        define(Errno.EBADMSG, 74);
        define(Errno.EOVERFLOW, 75);
        define(Errno.EILSEQ, 84);
        define(Errno.EUSERS, 87);
        define(Errno.ENOTSOCK, 88);
        define(Errno.EOPNOTSUPP, 95);
        define(Errno.ENOTSUP, 95); // alias on Linux: 95 stays EOPNOTSUPP
        define(Errno.ECONNRESET, 104);
        define(Errno.ETIMEDOUT, 110);
        define(Errno.ESTALE, 116);
        define(Errno.EUCLEAN, 117);
        define(Errno.EDQUOT, 122);
        define(Errno.ECANCELED, 125);
    }

    private Errnos() {
    }

    private static void define(Errno errno, int number) {
        NUMBERS.put(errno, number);
        NAMES.putIfAbsent(number, errno);
    }

    /** The name of a Linux errno number; {@link Errno#EIO} for numbers the API has no name for. */
    public static Errno toErrno(int number) {
        return NAMES.getOrDefault(number, Errno.EIO);
    }

    /** The Linux number of a name, or -1 if the table lacks it (a unit test proves it never does). */
    public static int toNumber(Errno errno) {
        return NUMBERS.getOrDefault(errno, -1);
    }

    /** Whether {@code number} has its own name (false for numbers that would become EIO). */
    public static boolean isKnown(int number) {
        return NAMES.containsKey(number);
    }
}
