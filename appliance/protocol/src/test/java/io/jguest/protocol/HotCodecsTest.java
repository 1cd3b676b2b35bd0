package io.jguest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.OpenFile;
import io.jguest.api.Timespec;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written codecs make exactly the generic codec's bytes, and read them back the same. */
class HotCodecsTest {
    private static final Timespec T = new Timespec(1_700_000_000L, 999_999_999);
    private static final FileAttributes FULL = new FileAttributes(Long.MAX_VALUE, 0100644, 3, 1000, -1, 0x0801,
            Long.MIN_VALUE, 8, 4096, T, new Timespec(-5, 0), Timespec.NOW);
    private static final FileAttributes SPARSE = new FileAttributes(0, 0, 0, 0, 0, 0, 0, 0, 0, null, T, null);

    @Test
    void attributesAndTimespecs() throws Exception {
        for (FileAttributes a : Arrays.asList(FULL, SPARSE, null)) {
            assertSame(a, FileAttributes.class);
        }
        for (Timespec t : Arrays.asList(T, Timespec.OMIT, new Timespec(Long.MIN_VALUE, 0), null)) {
            assertSame(t, Timespec.class);
        }
    }

    @Test
    void listings() throws Exception {
        List<DirEntry> entries = new ArrayList<>();
        for (FileType t : FileType.values()) {
            entries.add(new DirEntry("n-" + t, t, t.ordinal() * 1_000_000_007L, t.ordinal() % 2 == 0 ? FULL : null));
        }
        entries.add(new DirEntry("fïle ✓ \uD83D\uDE00 bad\uD800", null, -1, SPARSE));
        entries.add(new DirEntry(null, FileType.REGULAR, 0, null));
        entries.add(null);
        Calls.Entries full = new Calls.Entries(entries);
        for (Calls.Entries e : Arrays.asList(full, new Calls.Entries(List.of()), new Calls.Entries(null), null)) {
            assertSame(e, Calls.Entries.class);
        }
        assertSame(new Calls.Listings(Arrays.asList(full, null, new Calls.Entries(List.of()))), Calls.Listings.class);
        assertSame(new Calls.Listings(List.of()), Calls.Listings.class);
        assertSame(new Calls.Listings(null), Calls.Listings.class);
        assertSame(new Calls.AttributesList(Arrays.asList(FULL, null, SPARSE)), Calls.AttributesList.class);
        assertSame(new Calls.AttributesList(null), Calls.AttributesList.class);
    }

    @Test
    void callsAndReplies() throws Exception {
        assertSame(new Calls.Lstat("/a/b"), Calls.Lstat.class);
        assertSame(new Calls.Lstat(null), Calls.Lstat.class);
        assertSame(new Calls.ReaddirPlus("/ü"), Calls.ReaddirPlus.class);
        assertSame(new Calls.Pread(7, Long.MAX_VALUE, 4 << 20), Calls.Pread.class);
        assertSame(new Calls.Release(-1), Calls.Release.class);
        assertSame(new Calls.Pwrite(1, 2, new byte[] {1, 2, 3}), Calls.Pwrite.class);
        assertSame(new Calls.Pwrite(1, 2, null), Calls.Pwrite.class);
        assertSame(new Calls.Open("/x", 0101, 0644), Calls.Open.class);
        assertSame(new Calls.Create("/y", 01 | 0100, 0600, -1, 5), Calls.Create.class);
        assertSame(new OpenFile(42, FULL), OpenFile.class);
        assertSame(new OpenFile(42, null), OpenFile.class);
        assertSame(null, OpenFile.class);
        assertSame(new byte[] {9, 8}, byte[].class);
        assertSame(new byte[0], byte[].class);
        assertSame(null, byte[].class);
        assertSame(-3L, Long.class);
        assertSame(Integer.MIN_VALUE, Integer.class);
        assertSame(null, Void.class);
        for (Procedure p : Procedure.values()) {
            Object call = RecordCodecTest.sample(p.callType());
            assertSame(call, p.callType());
            assertSame(RecordCodecTest.sample(p.replyType()), p.replyType());
        }
    }

    @Test
    void pwriteViewFindsTheDataInTheEncodedBody() throws Exception {
        byte[] data = {5, 6, 7};
        byte[] body = RecordCodec.encode(new Calls.Pwrite(-2, Long.MAX_VALUE - 1, data), Calls.Pwrite.class);
        PwriteView v = PwriteView.of(body);
        assertEquals(new PwriteView(-2, Long.MAX_VALUE - 1, body.length - 3, 3), v);
        assertArrayEquals(data, Arrays.copyOfRange(body, v.dataOffset(), v.dataOffset() + v.length()));
        assertThrows(ProtocolException.class, () -> PwriteView.of(Arrays.copyOf(body, body.length - 1)));
        assertThrows(ProtocolException.class,
                () -> PwriteView.of(RecordCodec.encode(new Calls.Pwrite(1, 2, null), Calls.Pwrite.class)));
        assertThrows(ProtocolException.class, () -> PwriteView.of(new byte[] {0}));
    }

    @Test
    void badBodiesAreProtocolErrors() {
        byte[] attrs = RecordCodec.encode(FULL, FileAttributes.class);
        assertThrows(ProtocolException.class,
                () -> RecordCodec.decode(Arrays.copyOf(attrs, attrs.length - 1), FileAttributes.class));
        byte[] badTag = attrs.clone();
        badTag[0] = 2;
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(badTag, FileAttributes.class));
        byte[] entry = RecordCodec.encode(new Calls.Entries(List.of(new DirEntry("a", FileType.FIFO, 1, null))),
                Calls.Entries.class);
        entry[1 + 4 + 1 + 4 + 1 + 4] = 'X'; // FIFO -> XIFO
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(entry, Calls.Entries.class));
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(new byte[] {0, 0, 0, 5, 1}, byte[].class));
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(new byte[1], Void.class));
    }

    /** A record with a {@code byte[]} component: no value equality (its bytes are compared instead). */
    private static boolean holdsBytes(Object value) {
        return value != null && value.getClass().isRecord() && Arrays.stream(value.getClass().getRecordComponents())
                .anyMatch(c -> c.getType() == byte[].class);
    }

    /**
     * The hot path's bytes equal the generic path's, its measured size is exact, and either path
     * reads the other's bytes back to an equal value.
     */
    private static void assertSame(Object value, Type type) throws ProtocolException {
        byte[] generic = RecordCodec.encodeGeneric(value, type);
        byte[] hot = RecordCodec.encode(value, type);
        assertArrayEquals(generic, hot, "bytes of " + type.getTypeName() + " " + value);
        assertEquals(generic.length, RecordCodec.encodedSize(value, type), "size of " + type.getTypeName());
        Object back = RecordCodec.decode(generic, type);
        Object genericBack = RecordCodec.decodeGeneric(generic, type);
        // byte arrays have no value equality: compare what each decoded value re-encodes to
        assertArrayEquals(generic, RecordCodec.encodeGeneric(back, type), "decoding " + type.getTypeName());
        assertArrayEquals(generic, RecordCodec.encodeGeneric(genericBack, type));
        if (!(value instanceof byte[]) && !holdsBytes(value)) {
            assertEquals(genericBack, back, "decoding " + type.getTypeName());
        }
        if (value != null && !(value instanceof Number)) {
            assertNotNull(back);
            assertNotSame(value, back);
        }
    }
}
