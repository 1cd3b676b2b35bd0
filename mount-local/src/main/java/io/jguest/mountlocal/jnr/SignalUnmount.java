package io.jguest.mountlocal.jnr;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What libfuse's {@code fuse_set_signal_handlers} would do, done in Java (libfuse cannot install its
 * handlers in a JVM, whose handlers are never SIG_DFL): while any mount is registered, SIGINT,
 * SIGTERM and SIGHUP unmount every mount whose loop still runs, so their owners return from
 * {@code awaitUnmounted()} and clean up. With no loop running, the signal goes to the handler that
 * was there before (the JVM's: shutdown hooks, then exit). A JVM shutdown hook unmounts whatever is
 * still mounted on any other way out (System.exit, a signal after the handlers were restored).
 */
final class SignalUnmount {
    private static final Logger log = LoggerFactory.getLogger(SignalUnmount.class);
    private static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");
    private static final Set<JnrLocalMount> mounts = ConcurrentHashMap.newKeySet();
    private static final Map<String, SignalHandler> previous = new HashMap<>();
    private static boolean hookAdded;

    private SignalUnmount() {
    }

    static synchronized void register(JnrLocalMount mount) {
        mounts.add(mount);
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(SignalUnmount::onExit));
            hookAdded = true;
        }
        if (previous.isEmpty()) {
            for (String name : SIGNALS) {
                try {
                    previous.put(name, Signal.handle(new Signal(name), SignalUnmount::onSignal));
                } catch (IllegalArgumentException e) {
                    log.debug("cannot handle SIG{} ({}); the JVM keeps it", name, e.getMessage());
                }
            }
        }
    }

    static synchronized void unregister(JnrLocalMount mount) {
        mounts.remove(mount);
        if (mounts.isEmpty()) {
            restore();
        }
    }

    private static synchronized void restore() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        previous.clear();
    }

    private static void onSignal(Signal signal) {
        List<JnrLocalMount> live = mounts.stream().filter(JnrLocalMount::loopRunning).toList();
        if (live.isEmpty()) {
            synchronized (SignalUnmount.class) {
                restore();
            }
            Signal.raise(signal);
            return;
        }
        log.info("SIG{}: unmounting {}", signal.getName(), live.stream().map(JnrLocalMount::mountpoint).toList());
        for (JnrLocalMount m : live) {
            m.detach("SIG" + signal.getName());
        }
    }

    private static void onExit() {
        for (JnrLocalMount m : List.copyOf(mounts)) {
            if (m.loopRunning()) {
                log.debug("JVM exit: unmounting {}", m.mountpoint());
                m.detach("JVM exit");
            }
        }
    }
}
