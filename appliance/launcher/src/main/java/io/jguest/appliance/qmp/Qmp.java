package io.jguest.appliance.qmp;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QMP connection: reads the greeting, negotiates ({@code qmp_capabilities}), then runs one command
 * at a time ({@link #execute}), each bounded. A reader thread takes qemu's messages: replies go to the
 * command waiting for them, events are logged and kept (the last {@value #EVENTS_KEPT}). When qemu goes
 * away, a waiting command fails at once with an {@link IOException}. Thread-safe; {@link #close} is
 * idempotent.
 */
public final class Qmp implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Qmp.class);
    private static final int EVENTS_KEPT = 64;
    /** Put in the reply queue when the connection ends. */
    private static final Map<String, Object> GONE = Map.of();

    private final BufferedReader in;
    private final OutputStream out;
    private final Closeable transport;
    private final BlockingQueue<Map<String, Object>> replies = new LinkedBlockingQueue<>();
    private final List<String> events = new ArrayList<>();
    /** The last few events with their data and sequence numbers (guarded by {@link #events}). */
    private final List<Event> recent = new ArrayList<>();
    private long eventCount;
    private final Thread reader;
    private volatile String closedReason;

    private Qmp(InputStream in, OutputStream out, Closeable transport) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.transport = transport;
        this.reader = Thread.ofPlatform().daemon().name("jguest-qmp-reader").unstarted(this::readLoop);
    }

    /**
     * Reads qemu's greeting and enters command mode.
     *
     * @param transport closed by {@link #close()} (the socket)
     * @throws IOException      the connection ended or the greeting is not QMP's
     * @throws TimeoutException no greeting in time
     */
    public static Qmp connect(InputStream in, OutputStream out, Closeable transport, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        Qmp q = new Qmp(in, out, transport);
        q.reader.start();
        try {
            Map<String, Object> greeting = q.next(timeout, "the QMP greeting");
            if (!greeting.containsKey("QMP")) {
                throw new IOException("not a QMP greeting: " + Json.write(greeting));
            }
            q.execute("qmp_capabilities", Map.of(), timeout);
            return q;
        } catch (QmpException e) {
            q.close();
            throw new IOException("QMP negotiation failed: " + e.description(), e);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Runs {@code command} with {@code arguments} and returns its {@code return} value (usually a map,
     * possibly empty; a list for queries that return one).
     *
     * @throws QmpException     qemu refused it
     * @throws IOException      the connection is gone
     * @throws TimeoutException no answer in time (the connection is then unusable: closed)
     */
    public synchronized Object execute(String command, Map<String, ?> arguments, Duration timeout)
            throws QmpException, IOException, TimeoutException, InterruptedException {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("execute", command);
        if (arguments != null && !arguments.isEmpty()) {
            msg.put("arguments", arguments);
        }
        String line = Json.write(msg);
        boolean poll = command.startsWith("query-");
        if (poll ? log.isTraceEnabled() : log.isDebugEnabled()) {
            log.atLevel(poll ? org.slf4j.event.Level.TRACE : org.slf4j.event.Level.DEBUG).log("qmp <= {}", line);
        }
        String gone = closedReason;
        if (gone != null) {
            throw new IOException("QMP connection closed (" + gone + ")");
        }
        try {
            synchronized (out) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            throw new IOException("QMP connection closed (" + e.getMessage() + ")", e);
        }
        Map<String, Object> reply;
        try {
            reply = next(timeout, command);
        } catch (TimeoutException e) {
            close();
            throw e;
        }
        if (reply.get("error") instanceof Map<?, ?> err) {
            log.debug("qmp: {} failed: {}", command, Json.write(err));
            throw new QmpException(command, String.valueOf(err.get("class")), String.valueOf(err.get("desc")));
        }
        return reply.get("return");
    }

    /** As {@link #execute(String, Map, Duration)}, for a command whose answer is an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> query(String command, Duration timeout)
            throws QmpException, IOException, TimeoutException, InterruptedException {
        Object r = execute(command, Map.of(), timeout);
        if (r instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(command + ": expected an object, got " + Json.write(r));
    }

    /** Names of the events received so far (the last few), oldest first. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** One event: its sequence number (1 for the first), name and {@code data} member (empty if none). */
    private record Event(long seq, String name, Map<String, Object> data) {
    }

    /** How many events have arrived so far: pass it to {@link #awaitEvent} before the command that causes one. */
    public long eventCount() {
        synchronized (events) {
            return eventCount;
        }
    }

    /**
     * Waits for event {@code name} whose {@code data} member has {@code key} = {@code value}, among the
     * events after the first {@code after} ({@link #eventCount()} taken before the command).
     *
     * @throws IOException      the connection ended first
     * @throws TimeoutException not within {@code timeout}
     */
    public void awaitEvent(String name, String key, Object value, long after, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Event e : recent) {
                    if (e.seq() > after && e.name().equals(name) && java.util.Objects.equals(e.data().get(key), value)) {
                        return;
                    }
                }
                if (closedReason != null) {
                    throw new IOException("QMP connection closed (" + closedReason + ") before the event " + name);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no " + name + " event from qemu within " + timeout.toMillis() + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
        }
    }

    /** True until the connection ends or is closed. */
    public boolean isOpen() {
        return closedReason == null;
    }

    private Map<String, Object> next(Duration timeout, String what)
            throws IOException, TimeoutException, InterruptedException {
        Map<String, Object> m = replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == null) {
            throw new TimeoutException("no answer from qemu to " + what + " within " + timeout.toMillis() + " ms");
        }
        if (m == GONE) {
            replies.offer(GONE); // for whoever waits next
            throw new IOException("qemu closed the QMP connection (" + closedReason + ")");
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private void readLoop() {
        String why = "end of stream";
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Object msg;
                try {
                    msg = Json.parse(line);
                } catch (IllegalArgumentException e) {
                    log.debug("qmp: unreadable line {}: {}", line, e.getMessage());
                    continue;
                }
                if (!(msg instanceof Map<?, ?> map)) {
                    continue;
                }
                if (map.containsKey("event")) {
                    log.debug("qmp event {}", line);
                    synchronized (events) {
                        String name = String.valueOf(map.get("event"));
                        events.add(name);
                        if (events.size() > EVENTS_KEPT) {
                            events.removeFirst();
                        }
                        recent.add(new Event(++eventCount, name, map.get("data") instanceof Map<?, ?> d
                                ? (Map<String, Object>) d : Map.of()));
                        if (recent.size() > EVENTS_KEPT) {
                            recent.removeFirst();
                        }
                        events.notifyAll();
                    }
                    continue;
                }
                if (log.isTraceEnabled()) {
                    log.trace("qmp => {}", line);
                }
                replies.offer((Map<String, Object>) map);
            }
        } catch (IOException e) {
            why = e.getMessage();
        } finally {
            synchronized (this.events) {
                if (closedReason == null) {
                    closedReason = why;
                }
                this.events.notifyAll();
            }
            replies.offer(GONE);
        }
    }

    /** Closes the connection (qemu keeps running). Idempotent. */
    @Override
    public void close() {
        synchronized (events) {
            if (closedReason == null) {
                closedReason = "closed";
            }
            events.notifyAll();
        }
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("closing QMP: {}", e.toString());
        }
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
