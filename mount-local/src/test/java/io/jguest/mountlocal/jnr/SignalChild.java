package io.jguest.mountlocal.jnr;

import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import java.nio.file.Path;

/**
 * A mount owner in its own JVM, for the signal tests: mounts a passthrough of {@code args[0]} at
 * {@code args[1]}, says MOUNTED, waits for the unmount, closes, says CLEAN and returns from main.
 * With a third argument {@code exit}, it calls {@code System.exit(3)} while still mounted instead.
 */
public final class SignalChild {
    private SignalChild() {
    }

    public static void main(String[] args) throws Exception {
        PassthroughOperations ops = new PassthroughOperations(Path.of(args[0]));
        try (LocalMount mount = JnrLocalMount.mount(Path.of(args[1]), ops, MountConfig.defaults(false))) {
            System.out.println("MOUNTED");
            System.out.flush();
            if (args.length > 2 && args[2].equals("exit")) {
                System.exit(3);
            }
            mount.awaitUnmounted();
        }
        System.out.println("CLEAN");
        System.out.flush();
    }
}
