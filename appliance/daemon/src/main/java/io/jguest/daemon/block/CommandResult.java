package io.jguest.daemon.block;

import java.util.stream.Collectors;

/** How an external program ended: its exit status and everything it printed. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Stderr as one line (its lines trimmed and joined by spaces: messages reach the user as one line,
     * e.g. mount's "Structure needs cleaning." and its "dmesg(1) may have more information" hint), or a
     * placeholder naming the exit status when it printed nothing.
     */
    public String errorText() {
        String err = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining(" "));
        return err.isEmpty() ? "exit status " + exitCode : err;
    }
}
