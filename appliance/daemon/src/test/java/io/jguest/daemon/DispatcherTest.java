package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Timespec;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.block.FakeCommandRunner;
import io.jguest.daemon.block.LocalSession;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.RecordCodec;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DispatcherTest {
    @TempDir
    Path dir;
    private Sysroot sysroot;
    private LocalFileSystem files;
    private Dispatcher dispatcher;
    private final AtomicInteger shutdowns = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        sysroot = Sysroot.open(dir);
        files = new LocalFileSystem(sysroot);
        LocalSession session = LocalSession.create(sysroot, new FakeCommandRunner("blkid", "mount", "lvm"),
                DeviceWait.none());
        dispatcher = new Dispatcher(files, session, shutdowns::incrementAndGet);
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Procedure.class)
    void everyProcedureHasAHandler(Procedure procedure) throws Exception {
        Object call = sampleCall(procedure.callType());
        Frame reply = dispatcher.handle(new Frame(7, procedure.id(), FrameKind.CALL,
                RecordCodec.encode(call, procedure.callType())));
        assertEquals(7, reply.serial());
        assertEquals(procedure.id(), reply.procedure());
        if (reply.kind() == FrameKind.ERROR) {
            ErrorReply e = (ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class);
            assertFalse(e.message().startsWith("no handler"), e.message());
            assertFalse(e.errno().equals("EIO") && e.message().contains("Exception"), "unexpected failure: " + e);
        } else {
            assertEquals(FrameKind.REPLY, reply.kind());
            RecordCodec.decode(reply.body(), procedure.replyType());
        }
    }

    /** A call with harmless sample arguments: paths that do not exist, zero numbers, empty lists. */
    private static Object sampleCall(Class<?> type) throws ReflectiveOperationException {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> t = components[i].getType();
            types[i] = t;
            args[i] = t == String.class ? (components[i].getName().equals("name") ? "user.x" : "/no-such-file")
                    : t == int.class ? 0 : t == long.class ? 0L : t == boolean.class ? false
                    : t == byte[].class ? new byte[0]
                    : t == List.class ? (components[i].getGenericType().getTypeName().contains("Long") ? List.of(0L) : List.of("a"))
                    : t == Timespec.class ? Timespec.OMIT : null;
        }
        return type.getDeclaredConstructor(types).newInstance(args);
    }

    @Test
    void unknownProcedureIsEinval() throws Exception {
        ErrorReply e = error(dispatcher.handle(new Frame(3, 999, FrameKind.CALL, new byte[0])), 3);
        assertEquals("EINVAL", e.errno());
        assertTrue(e.message().contains("999"), e.message());
    }

    @Test
    void undecodableBodyIsEproto() throws Exception {
        ErrorReply e = error(dispatcher.handle(new Frame(4, Procedure.LSTAT.id(), FrameKind.CALL, new byte[] {1, 2})), 4);
        assertEquals("EPROTO", e.errno());
        byte[] trailing = RecordCodec.encode(new Calls.Lstat("/"), Calls.Lstat.class);
        byte[] longer = java.util.Arrays.copyOf(trailing, trailing.length + 1);
        assertEquals("EPROTO", error(dispatcher.handle(new Frame(5, Procedure.LSTAT.id(), FrameKind.CALL, longer)), 5)
                .errno());
    }

    @Test
    void errorsNameTheCallsSubject() throws Exception {
        Frame f = new Frame(9, Procedure.RENAME.id(), FrameKind.CALL,
                RecordCodec.encode(new Calls.Rename("/a", "/b", 0), Calls.Rename.class));
        ErrorReply e = error(dispatcher.handle(f), 9);
        assertEquals(new ErrorReply("ENOENT", "/a", "renameat2: No such file or directory (ENOENT)"), e);
    }

    @Test
    void shutdownRunsThePreparation() throws Exception {
        Frame f = new Frame(1, Procedure.SHUTDOWN.id(), FrameKind.CALL, new byte[] {1});
        assertEquals(FrameKind.REPLY, dispatcher.handle(f).kind());
        assertEquals(1, shutdowns.get());
    }

    @Test
    void subjectPrefersThePath() {
        assertEquals("/x", Dispatcher.subject(new Calls.Lstat("/x")));
        assertEquals("/d", Dispatcher.subject(new Calls.LstatList("/d", List.of())));
        assertEquals("/dev/sda1", Dispatcher.subject(new Calls.Mount("/dev/sda1", "/", "", null)));
        assertEquals("/new", Dispatcher.subject(new Calls.Symlink("target", "/new")));
        assertNull(Dispatcher.subject(new Calls.Release(1)));
    }

    private static ErrorReply error(Frame reply, int serial) throws Exception {
        assertEquals(FrameKind.ERROR, reply.kind());
        assertEquals(serial, reply.serial());
        return (ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class);
    }
}
