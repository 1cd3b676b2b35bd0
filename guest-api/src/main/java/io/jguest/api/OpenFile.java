package io.jguest.api;

/**
 * A file just opened or created: its handle for {@link GuestFileSystem#pread} and friends, and its
 * attributes right after the open (so a FUSE {@code create} needs no extra {@code lstat}).
 */
public record OpenFile(long handle, FileAttributes attributes) {
}
