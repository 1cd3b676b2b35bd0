package io.jguest.mountlocal;

/**
 * Who made a FUSE request (libfuse's {@code fuse_context}): new files, directories, symlinks and
 * device nodes are owned by {@code uid}/{@code gid}; {@code umask} is the caller's (already applied
 * by the kernel to {@code mode} on Linux when the filesystem does not say otherwise).
 */
public record Caller(int uid, int gid, long pid, int umask) {
    /** A request from root (uid 0, gid 0): what tests without a kernel use. */
    public static final Caller ROOT = new Caller(0, 0, 0, 022);
}
