package io.jguest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.Timespec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    @ParameterizedTest(name = "{0} call round-trips")
    @EnumSource(Procedure.class)
    void everyCallRoundTrips(Procedure p) throws Exception {
        assertRoundTrip(sample(p.callType()), p.callType());
    }

    @ParameterizedTest(name = "{0} reply round-trips")
    @EnumSource(Procedure.class)
    void everyReplyRoundTrips(Procedure p) throws Exception {
        assertRoundTrip(sample(p.replyType()), p.replyType());
    }

    @Test
    void helloAndErrorRoundTrip() throws Exception {
        assertRoundTrip(sample(Hello.class), Hello.class);
        ErrorReply e = new ErrorReply("ENOENT", "/etc/nothing", "no such file");
        assertEquals(e, RecordCodec.decode(RecordCodec.encode(e, ErrorReply.class), ErrorReply.class));
    }

    @Test
    void nullsSurvive() throws Exception {
        var c = new Calls.Mount("/dev/sda1", "/", "", null);
        assertEquals(c, RecordCodec.decode(RecordCodec.encode(c, Calls.Mount.class), Calls.Mount.class));
        var list = new Calls.AttributesList(java.util.Arrays.asList(null, (FileAttributes) sample(FileAttributes.class)));
        var back = (Calls.AttributesList) RecordCodec.decode(RecordCodec.encode(list, Calls.AttributesList.class),
                Calls.AttributesList.class);
        assertNull(back.attributes().get(0));
        assertEquals(list.attributes().get(1), back.attributes().get(1));
        var listings = new Calls.Listings(java.util.Arrays.asList(null, new Calls.Entries(List.of())));
        assertEquals(listings, RecordCodec.decode(RecordCodec.encode(listings, Calls.Listings.class), Calls.Listings.class));
    }

    @ParameterizedTest(name = "{0} reply is measured exactly")
    @EnumSource(Procedure.class)
    void encodedSizeIsTheEncodedLength(Procedure p) {
        Object value = sample(p.replyType());
        assertEquals(RecordCodec.encode(value, p.replyType()).length, RecordCodec.encodedSize(value, p.replyType()));
    }

    @Test
    void stringsAreMeasuredAsTheirUtf8Bytes() throws Exception {
        for (String s : List.of("", "ascii", "é", "✓", "\uD83D\uDE00", "a\uD800b", "\uDC00", "x\uD83D")) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, RecordCodec.utf8Length(s), s);
            var c = new Calls.Readlink(s);
            byte[] body = RecordCodec.encode(c, Calls.Readlink.class); // the measured size must be exact
            assertEquals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                    ((Calls.Readlink) RecordCodec.decode(body, Calls.Readlink.class)).path());
        }
    }

    @Test
    void truncatedBodyIsAProtocolError() {
        byte[] full = RecordCodec.encode(new Calls.Lstat("/etc/passwd"), Calls.Lstat.class);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(cut, Calls.Lstat.class));
    }

    @Test
    void trailingBytesAreAProtocolError() {
        byte[] full = RecordCodec.encode(new Calls.Lstat("/"), Calls.Lstat.class);
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 1);
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(longer, Calls.Lstat.class));
    }

    @Test
    void absurdLengthsAreRejectedBeforeAllocating() {
        byte[] body = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE).array();
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(body, Calls.Readlink.class));
        byte[] list = ByteBuffer.allocate(5).put((byte) 1).putInt(1 << 30).array();
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(list, Calls.Names.class));
    }

    @Test
    void invalidRecordValuesAreProtocolErrors() {
        // Timespec rejects nsec out of range in its constructor
        byte[] body = ByteBuffer.allocate(13).put((byte) 1).putLong(0).putInt(2_000_000_000).array();
        assertThrows(ProtocolException.class, () -> RecordCodec.decode(body, Timespec.class));
    }

    @Test
    void errnoNamesTravelAsNames() throws Exception {
        record WithErrno(Errno errno) {
        }
        // local records are not public: the codec reports it clearly rather than guessing
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.encode(new WithErrno(Errno.ENOENT), WithErrno.class));
        assertEquals(Errno.EIO, Errno.byName("ENOTAREALERRNO"));
    }

    private static void assertRoundTrip(Object value, Type type) throws ProtocolException {
        byte[] once = RecordCodec.encode(value, type);
        Object back = RecordCodec.decode(once, type);
        assertArrayEquals(once, RecordCodec.encode(back, type), "re-encoding differs for " + type.getTypeName());
    }

    /** A value of every supported shape, with every field set, for round-trip tests. */
    static Object sample(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == Void.class) {
            return null;
        } else if (raw == boolean.class || raw == Boolean.class) {
            return true;
        } else if (raw == int.class || raw == Integer.class) {
            return 0x1234567;
        } else if (raw == long.class || raw == Long.class) {
            return -0x123456789L;
        } else if (raw == String.class) {
            return "/dir/fïle ✓";
        } else if (raw == byte[].class) {
            return new byte[] {0, 1, -1, 127};
        } else if (raw == Timespec.class) {
            return new Timespec(1_700_000_000L, 123_456_789);
        } else if (raw.isEnum()) {
            return raw.getEnumConstants()[raw.getEnumConstants().length - 1];
        } else if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> l = new ArrayList<>();
            l.add(sample(element));
            l.add(sample(element));
            return l;
        } else if (raw.isRecord()) {
            RecordComponent[] cs = raw.getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                args[i] = sample(cs[i].getGenericType());
                types[i] = cs[i].getType();
            }
            try {
                return raw.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no sample for " + type);
    }
}
