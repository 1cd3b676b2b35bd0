package io.jguest.protocol;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.OpenFile;
import io.jguest.api.Timespec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Hand-written {@link RecordCodec} encodings of the types on the hot paths (stat, listings, open,
 * read, write, release and their replies), byte for byte what the generic path makes of them, without
 * reflection, boxing of fields or lambdas: a freshly started daemon runs interpreted for thousands
 * of calls, and under emulation the generic path cost about as much as the file system work.
 * Every method returns {@link #NOT_HOT} (or -1, or false) for a type it does not know, and the caller
 * falls back to the generic path.
 */
final class HotCodecs {
    /** Marker: not a hot type. */
    static final Object NOT_HOT = new Object();

    private static final byte[] EMPTY = new byte[0];
    private static final FileType[] TYPES = FileType.values();
    private static final byte[][] TYPE_NAMES = new byte[TYPES.length][];
    /** Tag, 9 scalar fields, 3 present timespecs. */
    private static final int ATTRIBUTES_SIZE = 1 + 8 + 4 + 8 + 4 + 4 + 8 + 8 + 8 + 4 + 3 * 13;

    static {
        for (FileType t : TYPES) {
            TYPE_NAMES[t.ordinal()] = t.name().getBytes(StandardCharsets.UTF_8);
        }
    }

    private HotCodecs() {
    }

    // ---------------------------------------------------------------- encode

    /** The encoding of {@code value} as {@code type}, or null when {@code type} is not hot. */
    static byte[] encode(Object value, Type type) {
        if (type == Void.class) {
            return EMPTY;
        } else if (type == byte[].class) {
            byte[] data = (byte[]) value;
            if (data == null) {
                return new byte[] {-1, -1, -1, -1};
            }
            byte[] out = new byte[4 + data.length];
            putInt(out, 0, data.length);
            System.arraycopy(data, 0, out, 4, data.length);
            return out;
        } else if (type == Long.class) {
            byte[] out = new byte[8];
            putLong(out, 0, (Long) value);
            return out;
        } else if (type == Integer.class) {
            byte[] out = new byte[4];
            putInt(out, 0, (Integer) value);
            return out;
        }
        int size = size(value, type);
        if (size < 0) {
            return null;
        }
        Out out = new Out(size);
        write(out, value, type);
        if (out.pos != size) {
            throw new IllegalStateException("encoded " + out.pos + " of " + size + " measured bytes of " + type.getTypeName());
        }
        return out.buf;
    }

    /** Bytes of the encoding of {@code value} as {@code type}; -1 when {@code type} is not hot. */
    static int size(Object value, Type type) {
        if (type == FileAttributes.class) {
            return attributesSize((FileAttributes) value);
        } else if (type == Calls.Entries.class) {
            return entriesSize((Calls.Entries) value);
        } else if (type == Calls.Listings.class) {
            Calls.Listings l = (Calls.Listings) value;
            if (l == null) {
                return 1;
            }
            int n = 1 + 4;
            List<Calls.Entries> listings = l.listings();
            if (listings != null) {
                for (int i = 0, k = listings.size(); i < k; i++) {
                    n += entriesSize(listings.get(i));
                }
            }
            return n;
        } else if (type == Calls.AttributesList.class) {
            Calls.AttributesList l = (Calls.AttributesList) value;
            if (l == null) {
                return 1;
            }
            int n = 1 + 4;
            List<FileAttributes> list = l.attributes();
            if (list != null) {
                for (int i = 0, k = list.size(); i < k; i++) {
                    n += attributesSize(list.get(i));
                }
            }
            return n;
        } else if (type == OpenFile.class) {
            OpenFile f = (OpenFile) value;
            return f == null ? 1 : 1 + 8 + attributesSize(f.attributes());
        } else if (type == Timespec.class) {
            return value == null ? 1 : 13;
        } else if (type == Calls.Lstat.class) {
            Calls.Lstat c = (Calls.Lstat) value;
            return c == null ? 1 : 1 + stringSize(c.path());
        } else if (type == Calls.ReaddirPlus.class) {
            Calls.ReaddirPlus c = (Calls.ReaddirPlus) value;
            return c == null ? 1 : 1 + stringSize(c.path());
        } else if (type == Calls.Pread.class) {
            return value == null ? 1 : 1 + 8 + 8 + 4;
        } else if (type == Calls.Release.class) {
            return value == null ? 1 : 1 + 8;
        } else if (type == Calls.Pwrite.class) {
            Calls.Pwrite c = (Calls.Pwrite) value;
            return c == null ? 1 : 1 + 8 + 8 + 4 + (c.data() == null ? 0 : c.data().length);
        } else if (type == Calls.Open.class) {
            Calls.Open c = (Calls.Open) value;
            return c == null ? 1 : 1 + stringSize(c.path()) + 4 + 4;
        } else if (type == Calls.Create.class) {
            Calls.Create c = (Calls.Create) value;
            return c == null ? 1 : 1 + stringSize(c.path()) + 4 * 4;
        } else if (type == Long.class) {
            return 8;
        } else if (type == Integer.class) {
            return 4;
        } else if (type == Void.class) {
            return 0;
        } else if (type == byte[].class) {
            return 4 + (value == null ? 0 : ((byte[]) value).length);
        }
        return -1;
    }

    private static int attributesSize(FileAttributes a) {
        if (a == null) {
            return 1;
        }
        int n = ATTRIBUTES_SIZE;
        if (a.atime() == null) {
            n -= 12;
        }
        if (a.mtime() == null) {
            n -= 12;
        }
        if (a.ctime() == null) {
            n -= 12;
        }
        return n;
    }

    private static int entriesSize(Calls.Entries e) {
        if (e == null) {
            return 1;
        }
        int n = 1 + 4;
        List<DirEntry> list = e.entries();
        if (list != null) {
            for (int i = 0, k = list.size(); i < k; i++) {
                DirEntry d = list.get(i);
                if (d == null) {
                    n += 1;
                } else {
                    FileType t = d.type();
                    n += 1 + stringSize(d.name()) + 4 + (t == null ? 0 : TYPE_NAMES[t.ordinal()].length) + 8
                            + attributesSize(d.attributes());
                }
            }
        }
        return n;
    }

    private static int stringSize(String s) {
        return 4 + (s == null ? 0 : RecordCodec.utf8Length(s));
    }

    private static void write(Out out, Object value, Type type) {
        if (type == FileAttributes.class) {
            writeAttributes(out, (FileAttributes) value);
        } else if (type == Calls.Entries.class) {
            writeEntries(out, (Calls.Entries) value);
        } else if (type == Calls.Listings.class) {
            Calls.Listings l = (Calls.Listings) value;
            if (out.tag(l)) {
                List<Calls.Entries> list = l.listings();
                if (out.listSize(list)) {
                    for (int i = 0, k = list.size(); i < k; i++) {
                        writeEntries(out, list.get(i));
                    }
                }
            }
        } else if (type == Calls.AttributesList.class) {
            Calls.AttributesList l = (Calls.AttributesList) value;
            if (out.tag(l)) {
                List<FileAttributes> list = l.attributes();
                if (out.listSize(list)) {
                    for (int i = 0, k = list.size(); i < k; i++) {
                        writeAttributes(out, list.get(i));
                    }
                }
            }
        } else if (type == OpenFile.class) {
            OpenFile f = (OpenFile) value;
            if (out.tag(f)) {
                out.putLong(f.handle());
                writeAttributes(out, f.attributes());
            }
        } else if (type == Timespec.class) {
            writeTimespec(out, (Timespec) value);
        } else if (type == Calls.Lstat.class) {
            Calls.Lstat c = (Calls.Lstat) value;
            if (out.tag(c)) {
                out.putString(c.path());
            }
        } else if (type == Calls.ReaddirPlus.class) {
            Calls.ReaddirPlus c = (Calls.ReaddirPlus) value;
            if (out.tag(c)) {
                out.putString(c.path());
            }
        } else if (type == Calls.Pread.class) {
            Calls.Pread c = (Calls.Pread) value;
            if (out.tag(c)) {
                out.putLong(c.handle());
                out.putLong(c.offset());
                out.putInt(c.length());
            }
        } else if (type == Calls.Release.class) {
            Calls.Release c = (Calls.Release) value;
            if (out.tag(c)) {
                out.putLong(c.handle());
            }
        } else if (type == Calls.Pwrite.class) {
            Calls.Pwrite c = (Calls.Pwrite) value;
            if (out.tag(c)) {
                out.putLong(c.handle());
                out.putLong(c.offset());
                out.putBytes(c.data());
            }
        } else if (type == Calls.Open.class) {
            Calls.Open c = (Calls.Open) value;
            if (out.tag(c)) {
                out.putString(c.path());
                out.putInt(c.flags());
                out.putInt(c.mode());
            }
        } else if (type == Calls.Create.class) {
            Calls.Create c = (Calls.Create) value;
            if (out.tag(c)) {
                out.putString(c.path());
                out.putInt(c.flags());
                out.putInt(c.mode());
                out.putInt(c.uid());
                out.putInt(c.gid());
            }
        } else {
            throw new IllegalArgumentException("not a hot type: " + type.getTypeName());
        }
    }

    private static void writeEntries(Out out, Calls.Entries e) {
        if (!out.tag(e)) {
            return;
        }
        List<DirEntry> list = e.entries();
        if (!out.listSize(list)) {
            return;
        }
        for (int i = 0, k = list.size(); i < k; i++) {
            DirEntry d = list.get(i);
            if (out.tag(d)) {
                out.putString(d.name());
                FileType t = d.type();
                out.putBytes(t == null ? null : TYPE_NAMES[t.ordinal()]);
                out.putLong(d.ino());
                writeAttributes(out, d.attributes());
            }
        }
    }

    private static void writeAttributes(Out out, FileAttributes a) {
        if (!out.tag(a)) {
            return;
        }
        out.putLong(a.ino());
        out.putInt(a.mode());
        out.putLong(a.nlink());
        out.putInt(a.uid());
        out.putInt(a.gid());
        out.putLong(a.rdev());
        out.putLong(a.size());
        out.putLong(a.blocks());
        out.putInt(a.blksize());
        writeTimespec(out, a.atime());
        writeTimespec(out, a.mtime());
        writeTimespec(out, a.ctime());
    }

    private static void writeTimespec(Out out, Timespec t) {
        if (out.tag(t)) {
            out.putLong(t.sec());
            out.putInt(t.nsec());
        }
    }

    static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    static void putLong(byte[] b, int p, long v) {
        putInt(b, p, (int) (v >>> 32));
        putInt(b, p + 4, (int) v);
    }

    /** A body of a measured size being written. */
    private static final class Out {
        final byte[] buf;
        int pos;

        Out(int size) {
            buf = new byte[size];
        }

        /** Writes a record's tag; true when {@code record} is present and its fields follow. */
        boolean tag(Object record) {
            buf[pos++] = record == null ? (byte) 0 : (byte) 1;
            return record != null;
        }

        /** Writes a list's size (-1 for null); true when its elements follow. */
        boolean listSize(List<?> list) {
            putInt(list == null ? -1 : list.size());
            return list != null;
        }

        void putInt(int v) {
            HotCodecs.putInt(buf, pos, v);
            pos += 4;
        }

        void putLong(long v) {
            HotCodecs.putLong(buf, pos, v);
            pos += 8;
        }

        void putBytes(byte[] b) {
            if (b == null) {
                putInt(-1);
            } else {
                putInt(b.length);
                System.arraycopy(b, 0, buf, pos, b.length);
                pos += b.length;
            }
        }

        void putString(String s) {
            putBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- decode

    /**
     * Decodes a whole body as {@code type}: the value, or {@link #NOT_HOT}.
     *
     * @throws ProtocolException when the body is truncated, has trailing bytes or invalid values
     */
    static Object decode(byte[] body, Type type) throws ProtocolException {
        In in = new In(body);
        Object value;
        if (type == Void.class) {
            value = null;
        } else if (type == byte[].class) {
            value = in.bytes();
        } else if (type == Long.class) {
            value = in.getLong();
        } else if (type == Integer.class) {
            value = in.getInt();
        } else if (type == FileAttributes.class) {
            value = readAttributes(in);
        } else if (type == Calls.Entries.class) {
            value = readEntries(in);
        } else if (type == Calls.Listings.class) {
            value = null;
            if (in.tag()) {
                int n = in.listSize();
                List<Calls.Entries> list = null;
                if (n >= 0) {
                    ArrayList<Calls.Entries> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        l.add(readEntries(in));
                    }
                    list = Collections.unmodifiableList(l);
                }
                value = new Calls.Listings(list);
            }
        } else if (type == Calls.AttributesList.class) {
            value = null;
            if (in.tag()) {
                int n = in.listSize();
                List<FileAttributes> list = null;
                if (n >= 0) {
                    ArrayList<FileAttributes> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        l.add(readAttributes(in));
                    }
                    list = Collections.unmodifiableList(l);
                }
                value = new Calls.AttributesList(list);
            }
        } else if (type == OpenFile.class) {
            value = in.tag() ? new OpenFile(in.getLong(), readAttributes(in)) : null;
        } else if (type == Timespec.class) {
            value = readTimespec(in);
        } else if (type == Calls.Lstat.class) {
            value = in.tag() ? new Calls.Lstat(in.string()) : null;
        } else if (type == Calls.ReaddirPlus.class) {
            value = in.tag() ? new Calls.ReaddirPlus(in.string()) : null;
        } else if (type == Calls.Pread.class) {
            value = in.tag() ? new Calls.Pread(in.getLong(), in.getLong(), in.getInt()) : null;
        } else if (type == Calls.Release.class) {
            value = in.tag() ? new Calls.Release(in.getLong()) : null;
        } else if (type == Calls.Pwrite.class) {
            value = in.tag() ? new Calls.Pwrite(in.getLong(), in.getLong(), in.bytes()) : null;
        } else if (type == Calls.Open.class) {
            value = in.tag() ? new Calls.Open(in.string(), in.getInt(), in.getInt()) : null;
        } else if (type == Calls.Create.class) {
            value = in.tag() ? new Calls.Create(in.string(), in.getInt(), in.getInt(), in.getInt(), in.getInt()) : null;
        } else {
            return NOT_HOT;
        }
        if (in.pos != body.length) {
            throw new ProtocolException((body.length - in.pos) + " trailing bytes after " + type.getTypeName());
        }
        return value;
    }

    private static Calls.Entries readEntries(In in) throws ProtocolException {
        if (!in.tag()) {
            return null;
        }
        int n = in.listSize();
        if (n < 0) {
            return new Calls.Entries(null);
        }
        ArrayList<DirEntry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.tag() ? new DirEntry(in.string(), in.fileType(), in.getLong(), readAttributes(in)) : null);
        }
        return new Calls.Entries(Collections.unmodifiableList(list));
    }

    private static FileAttributes readAttributes(In in) throws ProtocolException {
        if (!in.tag()) {
            return null;
        }
        return new FileAttributes(in.getLong(), in.getInt(), in.getLong(), in.getInt(), in.getInt(), in.getLong(),
                in.getLong(), in.getLong(), in.getInt(), readTimespec(in), readTimespec(in), readTimespec(in));
    }

    private static Timespec readTimespec(In in) throws ProtocolException {
        if (!in.tag()) {
            return null;
        }
        long sec = in.getLong();
        int nsec = in.getInt();
        try {
            return new Timespec(sec, nsec);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid Timespec: " + e.getMessage(), e);
        }
    }

    /** A body being read; every read checks the bounds. */
    private static final class In {
        final byte[] buf;
        int pos;
        /** Length of the byte string {@link #byteString} found last. */
        private int len;

        In(byte[] buf) {
            this.buf = buf;
        }

        private int need(int n) throws ProtocolException {
            int p = pos;
            if (buf.length - p < n) {
                throw new ProtocolException("truncated body at byte " + p);
            }
            pos = p + n;
            return p;
        }

        boolean tag() throws ProtocolException {
            byte t = buf[need(1)];
            if (t != 0 && t != 1) {
                throw new ProtocolException("bad record tag " + t);
            }
            return t == 1;
        }

        int getInt() throws ProtocolException {
            int p = need(4);
            byte[] b = buf;
            return (b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
        }

        long getLong() throws ProtocolException {
            long hi = getInt();
            return (hi << 32) | (getInt() & 0xffffffffL);
        }

        /** A list's size, -1 for null. */
        int listSize() throws ProtocolException {
            int n = getInt();
            if (n < -1 || n > buf.length - pos) {
                throw new ProtocolException("list length " + n + " exceeds the frame");
            }
            return n;
        }

        /** Start of a byte string's bytes (its length is {@code len}), or -1 for null. */
        private int byteString() throws ProtocolException {
            int n = getInt();
            if (n == -1) {
                return -1;
            }
            if (n < 0 || n > buf.length - pos) {
                throw new ProtocolException("byte string length " + n + " exceeds the frame");
            }
            len = n;
            int p = pos;
            pos += n;
            return p;
        }

        byte[] bytes() throws ProtocolException {
            int p = byteString();
            if (p < 0) {
                return null;
            }
            byte[] b = new byte[len];
            System.arraycopy(buf, p, b, 0, len);
            return b;
        }

        String string() throws ProtocolException {
            int p = byteString();
            return p < 0 ? null : new String(buf, p, len, StandardCharsets.UTF_8);
        }

        FileType fileType() throws ProtocolException {
            int p = byteString();
            if (p < 0) {
                return null;
            }
            for (int t = 0; t < TYPE_NAMES.length; t++) {
                byte[] name = TYPE_NAMES[t];
                if (name.length == len && Arrays.equals(buf, p, p + len, name, 0, len)) {
                    return TYPES[t];
                }
            }
            throw new ProtocolException("unknown FileType " + new String(buf, p, len, StandardCharsets.UTF_8));
        }
    }
}
