package io.jguest.daemon.fs;

/**
 * Where a path's last component lives: an {@code O_PATH} descriptor of its parent directory and the
 * name in it, for the {@code *at} calls that must not follow a final symlink. For the root (or a
 * path ending in {@code ..}) there is no parent: {@link #dir()} is then the directory itself and
 * {@link #name()} is null.
 */
record Entry(Fd dir, String name) implements AutoCloseable {
    /** Whether {@link #dir()} is the object itself rather than its parent. */
    boolean isSelf() {
        return name == null;
    }

    /**
     * A path naming the object through {@code /proc/self/fd} for calls that have no {@code *at}
     * form (xattrs). For a named entry the final component is a plain name, so the {@code l*} calls
     * apply to it; for a self entry the path is the magic link to the directory, to be followed.
     */
    String procPath() {
        return isSelf() ? dir.procPath() : dir.procPath() + "/" + name;
    }

    @Override
    public void close() {
        dir.close();
    }
}
