package io.jguest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void framesRoundTripInOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameCodec writer = new FrameCodec(new ByteArrayInputStream(new byte[0]), bytes);
        writer.write(new Frame(7, Procedure.LSTAT.id(), FrameKind.CALL, new byte[] {1, 2, 3}));
        writer.write(new Frame(0, 0, FrameKind.HELLO, new byte[0]));
        FrameCodec reader = new FrameCodec(new ByteArrayInputStream(bytes.toByteArray()), OutputStream.nullOutputStream());
        Frame a = reader.read();
        assertEquals(7, a.serial());
        assertEquals(Procedure.LSTAT.id(), a.procedure());
        assertEquals(FrameKind.CALL, a.kind());
        assertArrayEquals(new byte[] {1, 2, 3}, a.body());
        assertEquals(FrameKind.HELLO, reader.read().kind());
        assertNull(reader.read(), "clean end of stream");
    }

    @Test
    void maximalIoFitsInAFrame() throws Exception {
        byte[] body = RecordCodec.encode(new Calls.Pwrite(1, 0, new byte[Wire.MAX_IO]), Calls.Pwrite.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameCodec(new ByteArrayInputStream(new byte[0]), bytes).write(new Frame(1, Procedure.PWRITE.id(), FrameKind.CALL, body));
        Frame f = new FrameCodec(new ByteArrayInputStream(bytes.toByteArray()), OutputStream.nullOutputStream()).read();
        assertEquals(Wire.MAX_IO, ((Calls.Pwrite) RecordCodec.decode(f.body(), Calls.Pwrite.class)).data().length);
    }

    @Test
    void oversizedFramesAreRefusedOnBothSides() {
        FrameCodec small = new FrameCodec(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), 100);
        assertThrows(ProtocolException.class, () -> small.write(new Frame(1, 1, FrameKind.CALL, new byte[200])));
        byte[] huge = ByteBuffer.allocate(16).putInt(Wire.MAX_FRAME + 1).putInt(1).array();
        FrameCodec reader = new FrameCodec(new ByteArrayInputStream(huge), OutputStream.nullOutputStream());
        assertThrows(ProtocolException.class, reader::read);
    }

    @Test
    void unknownKindAndTruncationAreErrors() {
        byte[] badKind = ByteBuffer.allocate(11).putInt(7).putInt(1).putShort((short) 1).put((byte) 9).array();
        assertThrows(ProtocolException.class, () -> new FrameCodec(new ByteArrayInputStream(badKind), OutputStream.nullOutputStream()).read());
        byte[] cut = ByteBuffer.allocate(9).putInt(20).putInt(1).put((byte) 0).array();
        assertThrows(EOFException.class, () -> new FrameCodec(new ByteArrayInputStream(cut), OutputStream.nullOutputStream()).read());
    }

    @Test
    void procedureIdsAreUniqueAndResolvable() throws Exception {
        for (Procedure p : Procedure.values()) {
            assertEquals(p, Procedure.byId(p.id()));
        }
        assertThrows(ProtocolException.class, () -> Procedure.byId(9999));
    }
}
