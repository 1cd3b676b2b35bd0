package io.jguest.daemon.fs;

import static io.jguest.daemon.posix.Flags.AT_SYMLINK_NOFOLLOW;
import static io.jguest.daemon.posix.Flags.O_CLOEXEC;
import static io.jguest.daemon.posix.Flags.O_CREAT;
import static io.jguest.daemon.posix.Flags.O_DIRECTORY;
import static io.jguest.daemon.posix.Flags.O_NOFOLLOW;
import static io.jguest.daemon.posix.Flags.O_PATH;

import io.jguest.api.FileType;
import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The fallback for kernels without {@code openat2}: walks the path one component at a time with
 * {@code O_NOFOLLOW}, expanding symlinks itself. An absolute target restarts at the root and
 * {@code ..} pops a stack of directory descriptors, never above the root.
 */
final class WalkingResolver implements PathResolver {
    private static final int MAX_SYMLINKS = 40;
    private static final int ENOENT = 2;
    private static final int ELOOP = 40;

    @Override
    public int open(int rootFd, List<String> components, int flags, int mode) throws PosixException {
        Deque<String> todo = new ArrayDeque<>(components);
        Deque<Integer> parents = new ArrayDeque<>();
        boolean followLast = (flags & O_NOFOLLOW) == 0;
        int cur = rootFd;
        int symlinks = 0;
        try {
            while (!todo.isEmpty()) {
                String name = todo.pollFirst();
                if (name.equals("..")) {
                    if (!parents.isEmpty()) {
                        closeUnlessRoot(cur, rootFd);
                        cur = parents.pop();
                    }
                    continue;
                }
                boolean last = todo.isEmpty();
                FileType type;
                try {
                    type = Libc.fstatat(cur, name, AT_SYMLINK_NOFOLLOW).type();
                } catch (PosixException e) {
                    if (last && e.number() == ENOENT && (flags & O_CREAT) != 0) {
                        return Libc.openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                    }
                    throw e;
                }
                if (type == FileType.SYMLINK && (!last || followLast)) {
                    if (++symlinks > MAX_SYMLINKS) {
                        throw new PosixException(ELOOP, "open");
                    }
                    String target = Libc.readlinkat(cur, name);
                    List<String> parts = GuestPath.split(target);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.addFirst(parts.get(i));
                    }
                    if (target.startsWith("/")) {
                        closeUnlessRoot(cur, rootFd);
                        while (!parents.isEmpty()) {
                            closeUnlessRoot(parents.pop(), rootFd);
                        }
                        cur = rootFd;
                    }
                    continue;
                }
                if (last) {
                    return Libc.openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                }
                int next = Libc.openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                parents.push(cur);
                cur = next;
            }
            return Libc.openat(cur, ".", flags | O_CLOEXEC, mode);
        } finally {
            closeUnlessRoot(cur, rootFd);
            while (!parents.isEmpty()) {
                closeUnlessRoot(parents.pop(), rootFd);
            }
        }
    }

    private static void closeUnlessRoot(int fd, int rootFd) {
        if (fd != rootFd) {
            new Fd(fd).close();
        }
    }
}
