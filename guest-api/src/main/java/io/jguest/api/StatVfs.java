package io.jguest.api;

/** The result of {@code statvfs(3)} in the guest. */
public record StatVfs(long bsize, long frsize, long blocks, long bfree, long bavail, long files,
                      long ffree, long favail, long fsid, long flag, long namemax) {
}
