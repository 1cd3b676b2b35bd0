package io.jguest.inspection.detect;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The fields inspection lists of one rpm package header, as rpm's database stores it: the "header
 * blob", without the magic and reserved bytes that precede a header in a package file. Layout (all
 * numbers 32-bit big-endian): the index entry count, the data store's length, the index entries of
 * 16 bytes (tag, type, offset into the store, count), then the store. Strings are NUL-terminated;
 * an I18NSTRING or STRING_ARRAY entry holds {@code count} of them, and its first (the untranslated
 * one) is taken. Strings absent are empty; the epoch is 0 when absent.
 *
 * @param summary     one line (SUMMARY)
 * @param description the long text (DESCRIPTION)
 */
public record RpmHeader(String name, int epoch, String version, String release, String arch, String url,
                        String summary, String description) {
    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int SUMMARY = 1004;
    static final int DESCRIPTION = 1005;
    static final int URL = 1020;
    static final int ARCH = 1022;
    static final int INT32 = 4;
    static final int STRING = 6;
    static final int STRING_ARRAY = 8;
    static final int I18NSTRING = 9;
    /** rpm's own limit on index entries (HEADER_TAGS_MAX). */
    static final int MAX_ENTRIES = 0xffff;
    private static final int[] WANTED = {NAME, VERSION, RELEASE, EPOCH, SUMMARY, DESCRIPTION, URL, ARCH};

    /**
     * Parses a header blob. Entries of other tags are not looked at; a tag that appears twice is
     * taken from its first entry.
     *
     * @throws DetectException the blob is too short for its counts, a wanted entry has the wrong type
     *                         or points outside the store, or NAME, VERSION or RELEASE is missing
     */
    public static RpmHeader parse(byte[] blob) throws DetectException {
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (blob.length < 8) {
            throw new DetectException("header of " + blob.length + " bytes, too short");
        }
        long entries = b.getInt(0) & 0xffffffffL;
        long dataLength = b.getInt(4) & 0xffffffffL;
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new DetectException("header with " + entries + " index entries");
        }
        long store = 8 + 16 * entries;
        if (store + dataLength > blob.length) {
            throw new DetectException("header of " + blob.length + " bytes, shorter than its " + entries
                    + " index entries and " + dataLength + " bytes of data");
        }
        Field[] found = new Field[WANTED.length];
        for (int i = 0; i < entries; i++) {
            int at = 8 + 16 * i;
            int tag = b.getInt(at);
            for (int w = 0; w < WANTED.length; w++) {
                if (WANTED[w] == tag && found[w] == null) {
                    found[w] = new Field(tag, b.getInt(at + 4), b.getInt(at + 8) & 0xffffffffL, b.getInt(at + 12) & 0xffffffffL);
                }
            }
        }
        Store s = new Store(b, (int) store, (int) dataLength);
        String name = s.string(found[0]);
        String version = s.string(found[1]);
        String release = s.string(found[2]);
        if (name.isEmpty() || found[1] == null || found[2] == null) {
            throw new DetectException("header without " + (name.isEmpty() ? "NAME" : found[1] == null ? "VERSION" : "RELEASE"));
        }
        return new RpmHeader(name, s.int32(found[3]), version, release, s.string(found[7]), s.string(found[6]),
                s.string(found[4]), s.string(found[5]));
    }

    /** The package as inspection lists it: the summary is its one description (as dpkg's first line). */
    public Package toPackage() {
        return new Package(name, epoch, version, release, arch, url, summary);
    }

    private record Field(int tag, int type, long offset, long count) {
    }

    /** The data store: {@code length} bytes from {@code start}. */
    private record Store(ByteBuffer b, int start, int length) {
        String string(Field f) throws DetectException {
            if (f == null) {
                return "";
            }
            if (f.type() != STRING && f.type() != STRING_ARRAY && f.type() != I18NSTRING) {
                throw new DetectException("tag " + f.tag() + " has type " + f.type() + ", not a string");
            }
            if (f.count() < 1 || f.offset() >= length) {
                throw new DetectException("tag " + f.tag() + ": offset " + f.offset() + " (count " + f.count()
                        + ") is outside the " + length + " bytes of data");
            }
            int from = start + (int) f.offset();
            int end = start + length;
            for (int i = from; i < end; i++) {
                if (b.get(i) == 0) {
                    return Text.decode(Arrays.copyOfRange(b.array(), from, i));
                }
            }
            throw new DetectException("tag " + f.tag() + ": string at offset " + f.offset() + " runs past the data");
        }

        int int32(Field f) throws DetectException {
            if (f == null) {
                return 0;
            }
            if (f.type() != INT32 || f.count() < 1 || f.offset() > length - 4L) {
                throw new DetectException("tag " + f.tag() + ": not a 32-bit integer inside the data (type " + f.type()
                        + ", offset " + f.offset() + ")");
            }
            return b.getInt(start + (int) f.offset());
        }
    }
}
