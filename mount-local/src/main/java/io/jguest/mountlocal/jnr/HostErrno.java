package io.jguest.mountlocal.jnr;

import io.jguest.api.Errno;

/**
 * The one place where an {@link Errno} name becomes a number: the Linux values (x86_64 and the
 * generic table arm64 shares), which is what libfuse hands to the host kernel.
 */
final class HostErrno {
    private HostErrno() {
    }

    static int of(Errno errno) {
        return switch (errno) {
            case EPERM -> 1;
            case ENOENT -> 2;
            case ESRCH -> 3;
            case EINTR -> 4;
            case EIO -> 5;
            case ENXIO -> 6;
            case E2BIG -> 7;
            case ENOEXEC -> 8;
            case EBADF -> 9;
            case ECHILD -> 10;
            case EAGAIN -> 11;
            case ENOMEM -> 12;
            case EACCES -> 13;
            case EFAULT -> 14;
            case ENOTBLK -> 15;
            case EBUSY -> 16;
            case EEXIST -> 17;
            case EXDEV -> 18;
            case ENODEV -> 19;
            case ENOTDIR -> 20;
            case EISDIR -> 21;
            case EINVAL -> 22;
            case ENFILE -> 23;
            case EMFILE -> 24;
            case ENOTTY -> 25;
            case ETXTBSY -> 26;
            case EFBIG -> 27;
            case ENOSPC -> 28;
            case ESPIPE -> 29;
            case EROFS -> 30;
            case EMLINK -> 31;
            case EPIPE -> 32;
            case EDOM -> 33;
            case ERANGE -> 34;
            case EDEADLK -> 35;
            case ENAMETOOLONG -> 36;
            case ENOLCK -> 37;
            case ENOSYS -> 38;
            case ENOTEMPTY -> 39;
            case ELOOP -> 40;
            case ENOMSG -> 42;
            case EIDRM -> 43;
            case ENODATA -> 61;
            case ETIME -> 62;
            case ENOLINK -> 67;
            case EPROTO -> 71;
            case EBADMSG -> 74;
            case EOVERFLOW -> 75;
            case EILSEQ -> 84;
            case EUSERS -> 87;
            case ENOTSOCK -> 88;
            case EOPNOTSUPP, ENOTSUP -> 95;
            case ECONNRESET -> 104;
            case ETIMEDOUT -> 110;
            case ESTALE -> 116;
            case EUCLEAN -> 117;
            case EDQUOT -> 122;
            case ECANCELED -> 125;
        };
    }
}
