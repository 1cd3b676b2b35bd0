package io.jguest.protocol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Encodes records (and the few scalar types calls return) to bytes and back, field by field in
 * declaration order. Supported: {@code boolean int long} and their boxes, {@link String},
 * {@code byte[]}, enums (by name), {@link List} of any supported type, and records of supported
 * types, recursively. Strings, arrays, lists and records may be null. {@link Void} is empty.
 *
 * <p>Decoding is bounded: every length is checked against the bytes that remain, so a hostile frame
 * cannot make the decoder allocate more than the frame itself.
 */
public final class RecordCodec {
    private static final byte NULL = 0;
    private static final byte PRESENT = 1;

    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return RecordShape.of(type);
        }
    };

    private RecordCodec() {
    }

    /**
     * Encodes {@code value} as a {@code type}. The body is measured first and written once into an
     * array of exactly that size: a 4 MiB write is copied once, not regrown and copied again.
     */
    public static byte[] encode(Object value, Type type) {
        byte[] hot = HotCodecs.encode(value, type);
        return hot != null ? hot : encodeGeneric(value, type);
    }

    /** {@link #encode} without the hand-written codecs of {@link HotCodecs} (tests compare the two). */
    static byte[] encodeGeneric(Object value, Type type) {
        ByteBuffer out = ByteBuffer.allocate(size(value, type));
        write(out, value, type);
        if (out.hasRemaining()) {
            throw new IllegalStateException("encoded " + out.position() + " of " + out.capacity() + " measured bytes of "
                    + type.getTypeName());
        }
        return out.array();
    }

    /** Decodes a whole body as a {@code type}; trailing bytes are an error. */
    public static Object decode(byte[] body, Type type) throws ProtocolException {
        Object hot = HotCodecs.decode(body, type);
        return hot != HotCodecs.NOT_HOT ? hot : decodeGeneric(body, type);
    }

    /** {@link #decode} without the hand-written codecs of {@link HotCodecs} (tests compare the two). */
    static Object decodeGeneric(byte[] body, Type type) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            Object value = read(in, type);
            if (in.hasRemaining()) {
                throw new ProtocolException(in.remaining() + " trailing bytes after " + type.getTypeName());
            }
            return value;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated " + type.getTypeName(), e);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    /** The number of bytes {@link #encode} makes of {@code value} as a {@code type}, without encoding it. */
    public static int encodedSize(Object value, Type type) {
        int hot = HotCodecs.size(value, type);
        return hot >= 0 ? hot : size(value, type);
    }

    /** The number of bytes {@link #write} puts for {@code value}. */
    private static int size(Object value, Type type) {
        Class<?> raw = rawClass(type);
        if (raw == Void.class) {
            return 0;
        } else if (raw == boolean.class || raw == Boolean.class) {
            return 1;
        } else if (raw == int.class || raw == Integer.class) {
            return 4;
        } else if (raw == long.class || raw == Long.class) {
            return 8;
        } else if (raw == String.class) {
            return 4 + (value == null ? 0 : utf8Length((String) value));
        } else if (raw == byte[].class) {
            return 4 + (value == null ? 0 : ((byte[]) value).length);
        } else if (raw.isEnum()) {
            return 4 + (value == null ? 0 : utf8Length(((Enum<?>) value).name()));
        } else if (raw == List.class) {
            int n = 4;
            if (value != null) {
                Type element = elementType(type);
                for (Object item : (List<?>) value) {
                    n += size(item, element);
                }
            }
            return n;
        } else if (raw.isRecord()) {
            int n = 1;
            if (value != null) {
                RecordShape shape = SHAPES.get(raw);
                for (int i = 0; i < shape.types.length; i++) {
                    n += size(shape.get(value, i), shape.types[i]);
                }
            }
            return n;
        }
        throw new IllegalArgumentException("unsupported wire type " + type.getTypeName());
    }

    /** Bytes of {@code s} in UTF-8 as {@link String#getBytes} makes them (a lone surrogate is one {@code ?}). */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // two chars, four bytes
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }

    private static void write(ByteBuffer out, Object value, Type type) {
        Class<?> raw = rawClass(type);
        if (raw == Void.class) {
            return;
        } else if (raw == boolean.class || raw == Boolean.class) {
            out.put((byte) ((Boolean) value ? 1 : 0));
        } else if (raw == int.class || raw == Integer.class) {
            out.putInt((Integer) value);
        } else if (raw == long.class || raw == Long.class) {
            out.putLong((Long) value);
        } else if (raw == String.class) {
            writeBytes(out, value == null ? null : ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (raw == byte[].class) {
            writeBytes(out, (byte[]) value);
        } else if (raw.isEnum()) {
            writeBytes(out, value == null ? null : ((Enum<?>) value).name().getBytes(StandardCharsets.UTF_8));
        } else if (raw == List.class) {
            if (value == null) {
                out.putInt(-1);
                return;
            }
            Type element = elementType(type);
            List<?> list = (List<?>) value;
            out.putInt(list.size());
            for (Object item : list) {
                write(out, item, element);
            }
        } else if (raw.isRecord()) {
            if (value == null) {
                out.put(NULL);
                return;
            }
            out.put(PRESENT);
            RecordShape shape = SHAPES.get(raw);
            for (int i = 0; i < shape.types.length; i++) {
                write(out, shape.get(value, i), shape.types[i]);
            }
        } else {
            throw new IllegalArgumentException("unsupported wire type " + type.getTypeName());
        }
    }

    private static void writeBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length);
            out.put(bytes);
        }
    }

    private static Object read(ByteBuffer in, Type type) throws ProtocolException {
        Class<?> raw = rawClass(type);
        if (raw == Void.class) {
            return null;
        } else if (raw == boolean.class || raw == Boolean.class) {
            return in.get() != 0;
        } else if (raw == int.class || raw == Integer.class) {
            return in.getInt();
        } else if (raw == long.class || raw == Long.class) {
            return in.getLong();
        } else if (raw == String.class) {
            byte[] b = readBytes(in);
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        } else if (raw == byte[].class) {
            return readBytes(in);
        } else if (raw.isEnum()) {
            byte[] b = readBytes(in);
            return b == null ? null : enumValue(raw, new String(b, StandardCharsets.UTF_8));
        } else if (raw == List.class) {
            Type element = elementType(type);
            int n = in.getInt();
            if (n == -1) {
                return null;
            }
            if (n < 0 || n > in.remaining()) {
                throw new ProtocolException("list length " + n + " exceeds the frame");
            }
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(read(in, element));
            }
            return Collections.unmodifiableList(list);
        } else if (raw.isRecord()) {
            byte tag = in.get();
            if (tag == NULL) {
                return null;
            }
            if (tag != PRESENT) {
                throw new ProtocolException("bad record tag " + tag + " for " + raw.getSimpleName());
            }
            RecordShape shape = SHAPES.get(raw);
            Object[] args = new Object[shape.types.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = read(in, shape.types[i]);
            }
            return shape.construct(args);
        }
        throw new ProtocolException("unsupported wire type " + type.getTypeName());
    }

    private static byte[] readBytes(ByteBuffer in) throws ProtocolException {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.remaining()) {
            throw new ProtocolException("byte string length " + n + " exceeds the frame");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String name) throws ProtocolException {
        try {
            return Enum.valueOf((Class) type, name);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("unknown " + type.getSimpleName() + " " + name, e);
        }
    }

    private static Type elementType(Type listType) {
        return ((ParameterizedType) listType).getActualTypeArguments()[0];
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported wire type " + type.getTypeName());
    }

    /**
     * Accessors and canonical constructor of one record class, looked up once and adapted to
     * {@code (Object)Object} and {@code (Object[])Object} so that every call is an {@code invokeExact}.
     */
    private record RecordShape(Type[] types, MethodHandle[] getters, MethodHandle constructor, Class<?> type) {
        private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
        private static final MethodType CONSTRUCTOR = MethodType.methodType(Object.class, Object[].class);

        static RecordShape of(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type + " is not a record");
            }
            RecordComponent[] components = type.getRecordComponents();
            Type[] types = new Type[components.length];
            Class<?>[] raws = new Class<?>[components.length];
            MethodHandle[] getters = new MethodHandle[components.length];
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            try {
                for (int i = 0; i < components.length; i++) {
                    types[i] = components[i].getGenericType();
                    raws[i] = components[i].getType();
                    getters[i] = lookup.unreflect(components[i].getAccessor()).asType(GETTER);
                }
                MethodHandle ctor = lookup.unreflectConstructor(type.getDeclaredConstructor(raws))
                        .asSpreader(Object[].class, components.length).asType(CONSTRUCTOR);
                return new RecordShape(types, getters, ctor, type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("record " + type.getName() + " must be public", e);
            }
        }

        Object get(Object record, int i) {
            try {
                return (Object) getters[i].invokeExact(record);
            } catch (Throwable t) {
                throw new IllegalStateException("accessor of " + type.getSimpleName() + " failed", t);
            }
        }

        Object construct(Object[] args) throws ProtocolException {
            try {
                return (Object) constructor.invokeExact(args);
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                throw new ProtocolException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
            } catch (Throwable t) {
                throw new ProtocolException("cannot build " + type.getSimpleName(), t);
            }
        }
    }
}
