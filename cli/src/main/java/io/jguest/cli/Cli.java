package io.jguest.cli;

import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.appliance.launch.QemuGuest;
import io.jguest.appliance.rpc.RpcClient;
import io.jguest.mountlocal.TracingOperations;
import java.util.List;
import java.util.Objects;

/**
 * The state of one {@code jguest} run, shared by the commands and the error handler: the terminal,
 * the verbosity flags, and how to launch a guest (a seam for tests). One instance per
 * {@link Main#run} call; never static.
 */
public final class Cli {
    /** Launches guests; {@link Guest#launch} in production. */
    @FunctionalInterface
    public interface Launcher {
        Guest launch(ApplianceConfig config) throws ApplianceException;
    }

    /** slf4j-simple's property for the default level; read once, when the first logger is made. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    /** The logger the launcher writes one line per protocol call to, at TRACE. */
    static final String TRACE_LOGGER = RpcClient.TRACE_LOGGER;
    /** The logger the launcher copies console lines to, at DEBUG. */
    static final String CONSOLE_LOGGER = QemuGuest.CONSOLE_LOGGER;

    private final Terminal terminal;
    private final Launcher launcher;
    private boolean verbose;
    private boolean trace;

    public Cli(Terminal terminal, Launcher launcher) {
        this.terminal = Objects.requireNonNull(terminal);
        this.launcher = Objects.requireNonNull(launcher);
    }

    public Terminal terminal() {
        return terminal;
    }

    public boolean verbose() {
        return verbose;
    }

    public boolean trace() {
        return trace;
    }

    /** {@code -v}: debug logs, and the guest console on stderr. */
    public void setVerbose(boolean on) {
        verbose |= on;
        if (on) {
            System.setProperty(LOG_LEVEL_PROPERTY, "debug");
            // the console is printed raw by configFor(); the launcher's DEBUG copy would double it
            System.setProperty("org.slf4j.simpleLogger.log." + CONSOLE_LOGGER, "info");
        }
    }

    /**
     * {@code -x}: one TRACE line per protocol call (logger {@value #TRACE_LOGGER}) and, in guestmount,
     * one line per FUSE operation (logger {@value TracingOperations#LOGGER}).
     */
    public void setTrace(boolean on) {
        trace |= on;
        if (on) {
            System.setProperty("org.slf4j.simpleLogger.log." + TRACE_LOGGER, "trace");
            System.setProperty("org.slf4j.simpleLogger.log." + TracingOperations.LOGGER, "info");
        }
    }

    /** A configuration with these drives and the run's console/progress wiring; defaults otherwise. */
    public ApplianceConfig.Builder configFor(List<Drive> drives) {
        ApplianceConfig.Builder b = ApplianceConfig.builder();
        drives.forEach(b::addDrive);
        if (verbose) {
            b.console(line -> terminal.err().println(line));
        }
        b.progress(line -> terminal.err().println("jguest: " + line));
        return b;
    }

    public Guest launch(ApplianceConfig config) throws ApplianceException {
        return launcher.launch(config);
    }
}
