package io.jguest.daemon.block;

import io.jguest.api.GuestFsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs external programs (the seam tests replace). Implementations are thread-safe. */
public interface CommandRunner {
    /**
     * Runs {@code argv} to completion and captures its output.
     *
     * @throws GuestFsException ENOENT when the program does not exist, ETIMEDOUT when it outlives
     *                          {@code timeout} (it is then killed), EIO when it cannot be started
     */
    CommandResult run(List<String> argv, Duration timeout) throws GuestFsException;

    /** The program's absolute path on {@code PATH} (and the sbin directories), or null. */
    Path find(String program);
}
