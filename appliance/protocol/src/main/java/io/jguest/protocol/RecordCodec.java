package io.jguest.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
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

    /** Encodes {@code value} as a {@code type}. */
    public static byte[] encode(Object value, Type type) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, value, type);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a whole body as a {@code type}; trailing bytes are an error. */
    public static Object decode(byte[] body, Type type) throws ProtocolException {
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

    private static void write(DataOutputStream out, Object value, Type type) throws IOException {
        Class<?> raw = rawClass(type);
        if (raw == Void.class) {
            return;
        } else if (raw == boolean.class || raw == Boolean.class) {
            out.writeBoolean((Boolean) value);
        } else if (raw == int.class || raw == Integer.class) {
            out.writeInt((Integer) value);
        } else if (raw == long.class || raw == Long.class) {
            out.writeLong((Long) value);
        } else if (raw == String.class) {
            writeBytes(out, value == null ? null : ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (raw == byte[].class) {
            writeBytes(out, (byte[]) value);
        } else if (raw.isEnum()) {
            writeBytes(out, value == null ? null : ((Enum<?>) value).name().getBytes(StandardCharsets.UTF_8));
        } else if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (value == null) {
                out.writeInt(-1);
                return;
            }
            List<?> list = (List<?>) value;
            out.writeInt(list.size());
            for (Object item : list) {
                write(out, item, element);
            }
        } else if (raw.isRecord()) {
            if (value == null) {
                out.writeByte(NULL);
                return;
            }
            out.writeByte(PRESENT);
            RecordShape shape = SHAPES.get(raw);
            for (int i = 0; i < shape.types.length; i++) {
                write(out, shape.get(value, i), shape.types[i]);
            }
        } else {
            throw new IllegalArgumentException("unsupported wire type " + type.getTypeName());
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
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
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
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

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported wire type " + type.getTypeName());
    }

    /** Accessors and canonical constructor of one record class, looked up once. */
    private record RecordShape(Type[] types, MethodHandle[] getters, MethodHandle constructor, Class<?> type) {
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
                    getters[i] = lookup.unreflect(components[i].getAccessor());
                }
                MethodHandle ctor = lookup.unreflectConstructor(type.getDeclaredConstructor(raws));
                return new RecordShape(types, getters, ctor, type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("record " + type.getName() + " must be public", e);
            }
        }

        Object get(Object record, int i) {
            try {
                return getters[i].invoke(record);
            } catch (Throwable t) {
                throw new IllegalStateException("accessor of " + type.getSimpleName() + " failed", t);
            }
        }

        Object construct(Object[] args) throws ProtocolException {
            try {
                return constructor.invokeWithArguments(args);
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                throw new ProtocolException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
            } catch (Throwable t) {
                throw new ProtocolException("cannot build " + type.getSimpleName(), t);
            }
        }
    }
}
