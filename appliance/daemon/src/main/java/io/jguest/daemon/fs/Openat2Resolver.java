package io.jguest.daemon.fs;

import static io.jguest.daemon.posix.Flags.O_CLOEXEC;
import static io.jguest.daemon.posix.Flags.O_CREAT;
import static io.jguest.daemon.posix.Flags.O_LARGEFILE;
import static io.jguest.daemon.posix.Flags.O_PATH;
import static io.jguest.daemon.posix.Flags.O_TMPFILE;
import static io.jguest.daemon.posix.Flags.RESOLVE_IN_ROOT;
import static io.jguest.daemon.posix.Flags.RESOLVE_NO_MAGICLINKS;

import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import java.util.List;

/** The kernel does the confinement: {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)} (Linux 5.6+). */
final class Openat2Resolver implements PathResolver {
    @Override
    public int open(int rootFd, List<String> components, int flags, int mode) throws PosixException {
        String path = components.isEmpty() ? "." : String.join("/", components);
        int how = flags | O_CLOEXEC;
        if ((how & O_PATH) == 0) {
            how |= O_LARGEFILE;
        }
        boolean creates = (how & O_CREAT) != 0 || (how & O_TMPFILE) == O_TMPFILE;
        return Libc.openat2(rootFd, path, how, creates ? mode & 07777 : 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }
}
