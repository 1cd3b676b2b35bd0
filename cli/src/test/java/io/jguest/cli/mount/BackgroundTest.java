package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The parent half of background mode, with shell scripts standing in for the child JVM. */
class BackgroundTest {
    private final StringWriter err = new StringWriter();

    private static List<String> sh(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void relaysTheChildsLinesUntilReadyThenReturns() throws CliException {
        AtomicBoolean signalled = new AtomicBoolean();
        // the child keeps running after "ready", as a real one does
        int code = Background.run(sh("echo 'guestmount: warning: x' >&2; printf '%s\\n' '" + Background.READY
                + "'; exec sleep 5 >/dev/null 2>&1"), new PrintWriter(err), () -> signalled.set(true));
        assertEquals(0, code);
        assertTrue(signalled.get());
        assertEquals("guestmount: warning: x\n", err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aFailingChildGivesItsMessageAndCode() {
        CliException e = assertThrows(CliException.class, () -> Background.run(
                sh("echo 'guestmount: /x: mountpoint does not exist' >&2; exit 1"), new PrintWriter(err), () -> { }));
        assertEquals(1, e.exitCode());
        assertTrue(!e.printed(), "the child already said it");
        assertTrue(err.toString().contains("guestmount: /x: mountpoint does not exist"));
    }

    @Test
    void aChildThatDiesSilentlyIsReported() {
        CliException e = assertThrows(CliException.class, () -> Background.run(sh("kill -KILL $$"),
                new PrintWriter(err), () -> { }));
        assertTrue(e.getMessage().contains("killed by signal 9"), e::getMessage);
    }

    @Test
    void theChildRunsInANewSessionFromTheRootWithNoStdin() throws CliException {
        int code = Background.run(sh("test \"$(ps -o sid= -p $$ | tr -d ' ')\" = $$ && test \"$PWD\" = / "
                + "&& ! read -r line && printf '%s\\n' '" + Background.READY + "'"), new PrintWriter(err), () -> { });
        assertEquals(0, code, err::toString);
    }

    @Test
    void aFailedReadyActionStopsTheChild() {
        CliException e = assertThrows(CliException.class, () -> Background.run(
                sh("trap 'exit 1' TERM; printf '%s\\n' '" + Background.READY + "'; while :; do sleep 0.1; done"),
                new PrintWriter(err), () -> {
                    throw new IOException("--fd=9: write(9): Broken pipe (EPIPE)");
                }));
        assertTrue(e.getMessage().contains("--fd=9") && e.getMessage().contains("undone"), e::getMessage);
    }
}
