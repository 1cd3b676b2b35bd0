package io.jguest.mountlocal.jnr;

import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import java.nio.file.Path;

/**
 * A mount owner in its own JVM, for the signal tests: mounts a passthrough of {@code args[0]} at
 * {@code args[1]}, says MOUNTED, waits for the unmount, closes, says CLEAN and returns from main.
 */
public final class SignalChild {
    private SignalChild() {
    }

    public static void main(String[] args) throws Exception {
        PassthroughOperations ops = new PassthroughOperations(Path.of(args[0]));
        try (LocalMount mount = JnrLocalMount.mount(Path.of(args[1]), ops, MountConfig.defaults(false))) {
            System.out.println("MOUNTED");
            System.out.flush();
            mount.awaitUnmounted();
        }
        System.out.println("CLEAN");
        System.out.flush();
    }
}
