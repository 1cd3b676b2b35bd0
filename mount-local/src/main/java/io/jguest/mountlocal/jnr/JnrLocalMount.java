package io.jguest.mountlocal.jnr;

import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import io.jguest.mountlocal.MountException;
import io.jguest.mountlocal.MountOperations;
import java.nio.file.Path;

/** PLACEHOLDER (contract commit): being written; see docs/DESIGN.md "mount-local". */
public final class JnrLocalMount {
    private JnrLocalMount() {
    }

    public static LocalMount mount(Path mountpoint, MountOperations ops, MountConfig config) throws MountException {
        throw new MountException(mountpoint + ": FUSE mounts are not built yet");
    }
}
