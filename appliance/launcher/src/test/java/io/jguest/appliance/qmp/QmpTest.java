package io.jguest.appliance.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The QMP client against a scripted qemu on pipes: greeting, negotiation, replies, errors, events, loss. */
class QmpTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration T = Duration.ofSeconds(5);

    private PipedInputStream clientIn;
    private OutputStream qemuOut;
    private BufferedReader qemuIn;
    private PipedOutputStream clientOut;

    @BeforeEach
    void pipes() throws IOException {
        clientIn = new PipedInputStream(1 << 16);
        qemuOut = new PipedOutputStream(clientIn);
        PipedInputStream fromClient = new PipedInputStream(1 << 16);
        clientOut = new PipedOutputStream(fromClient);
        qemuIn = new BufferedReader(new InputStreamReader(fromClient, StandardCharsets.UTF_8));
    }

    @AfterEach
    void close() throws IOException {
        qemuOut.close();
    }

    private void qemuSays(String json) throws IOException {
        qemuOut.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
        qemuOut.flush();
    }

    private Map<?, ?> qemuHears() throws IOException {
        return (Map<?, ?>) Json.parse(qemuIn.readLine());
    }

    private Qmp connect() throws Exception {
        CompletableFuture<Qmp> q = CompletableFuture.supplyAsync(() -> {
            try {
                return Qmp.connect(clientIn, clientOut, clientIn, T);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        qemuSays("{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}");
        assertEquals(Map.of("execute", "qmp_capabilities"), qemuHears());
        qemuSays("{\"return\": {}}");
        return q.get();
    }

    @Test
    void commandsRepliesEventsAndErrors() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Qmp qmp = connect();
            CompletableFuture<Object> status = CompletableFuture.supplyAsync(() -> call(qmp, "query-status", Map.of()));
            assertEquals(Map.of("execute", "query-status"), qemuHears());
            qemuSays("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}");
            qemuSays("{\"return\": {\"status\": \"paused\", \"running\": false}}");
            assertEquals(Map.of("status", "paused", "running", false), status.get());
            assertEquals(List.of("RESUME"), qmp.events());

            CompletableFuture<Object> add = CompletableFuture.supplyAsync(() -> call(qmp, "blockdev-add",
                    Map.of("node-name", "hd0")));
            assertEquals(Map.of("execute", "blockdev-add", "arguments", Map.of("node-name", "hd0")), qemuHears());
            qemuSays("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Failed to get \\\"write\\\" lock\"}}");
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class, add::get).getCause().getCause();
            QmpException q = (QmpException) e;
            assertEquals("GenericError", q.errorClass());
            assertEquals("Failed to get \"write\" lock", q.description());
            assertEquals("blockdev-add", q.command());
            assertTrue(qmp.isOpen());
            qmp.close();
            assertFalse(qmp.isOpen());
            qmp.close(); // idempotent
        });
    }

    @Test
    void qemuGoingAwayFailsTheWaitingCommandAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Qmp qmp = connect();
            CompletableFuture<Object> cont = CompletableFuture.supplyAsync(() -> call(qmp, "cont", Map.of()));
            qemuHears();
            qemuOut.close();
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class, cont::get).getCause().getCause();
            assertTrue(e instanceof IOException, e.toString());
            assertThrows(IOException.class, () -> qmp.execute("stop", Map.of(), T));
        });
    }

    @Test
    void noAnswerIsATimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Qmp qmp = connect();
            assertThrows(TimeoutException.class, () -> qmp.execute("stop", Map.of(), Duration.ofMillis(200)));
            assertFalse(qmp.isOpen(), "a connection whose answers are out of step is not used again");
        });
    }

    @Test
    void aGreetingThatIsNotQmpIsRefused() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CompletableFuture<Qmp> q = CompletableFuture.supplyAsync(() -> {
                try {
                    return Qmp.connect(clientIn, clientOut, clientIn, T);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            qemuSays("{\"hello\": 1}");
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class, q::get).getCause().getCause();
            assertTrue(e instanceof IOException && e.getMessage().contains("not a QMP greeting"), e.toString());
        });
    }

    private static Object call(Qmp qmp, String command, Map<String, ?> args) {
        try {
            return qmp.execute(command, args, T);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
