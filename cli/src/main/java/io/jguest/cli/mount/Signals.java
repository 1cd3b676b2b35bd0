package io.jguest.cli.mount;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, SIGTERM, SIGINT and SIGHUP run one action (at most once) instead of the JVM's default
 * of running shutdown hooks and exiting: guestmount turns them into an orderly stop (unmount, flush,
 * sync, appliance shutdown) and a normal exit. {@link #close()} puts the previous handlers back.
 */
final class Signals implements AutoCloseable {
    static final String[] STOP_SIGNALS = {"TERM", "INT", "HUP"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Signals() {
    }

    /** Runs {@code action} on the first of SIGTERM, SIGINT, SIGHUP (on the JVM's signal thread). */
    static Signals onStop(Runnable action) {
        Signals s = new Signals();
        for (String name : STOP_SIGNALS) {
            Signal sig = new Signal(name);
            s.previous.put(sig, Signal.handle(sig, received -> {
                if (s.stopped.compareAndSet(false, true)) {
                    action.run();
                }
            }));
        }
        return s;
    }

    /**
     * Ignores SIGINT while open (guestunmount --fd, like libguestfs's; SIGQUIT only makes the JVM print
     * its threads).
     */
    static Signals ignoringInterrupt() {
        Signals s = new Signals();
        Signal sig = new Signal("INT");
        s.previous.put(sig, Signal.handle(sig, SignalHandler.SIG_IGN));
        return s;
    }

    /** A stop signal has arrived. */
    boolean stopped() {
        return stopped.get();
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
