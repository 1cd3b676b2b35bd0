package io.jguest.daemon.block;

/** How an external program ended: its exit status and everything it printed. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Stderr trimmed, or a placeholder naming the exit status when it printed nothing. */
    public String errorText() {
        String err = stderr.strip();
        return err.isEmpty() ? "exit status " + exitCode : err;
    }
}
