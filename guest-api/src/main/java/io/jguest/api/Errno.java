package io.jguest.api;

/**
 * Error identity, by name only. Numbers differ between the guest kernel and the host (and between
 * architectures), so errors travel by name, as in libguestfs, and become numbers only at the FUSE
 * edge ({@code HostErrno} in mount-local) or in the daemon's libc binding.
 */
public enum Errno {
    EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN, ENOMEM, EACCES,
    EFAULT, ENOTBLK, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY,
    ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE, EDOM, ERANGE, EDEADLK, ENAMETOOLONG, ENOLCK,
    ENOSYS, ENOTEMPTY, ELOOP, ENOMSG, EIDRM, ENODATA, ETIME, ENOLINK, EPROTO, EBADMSG, EOVERFLOW,
    EILSEQ, EUSERS, ENOTSOCK, EOPNOTSUPP, ETIMEDOUT, ECONNRESET, ESTALE, EDQUOT, ECANCELED,
    ENOTSUP, EUCLEAN;

    /** The named errno, or {@link #EIO} for a name this build does not know (never null). */
    public static Errno byName(String name) {
        if (name != null) {
            try {
                return valueOf(name);
            } catch (IllegalArgumentException unknown) {
                // fall through: an error from a newer peer is still an error
            }
        }
        return EIO;
    }
}
