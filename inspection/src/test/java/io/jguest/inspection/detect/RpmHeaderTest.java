package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpmHeaderTest {
    /** Writes header blobs: index entries in the order added, their data appended to the store. */
    static final class Blob {
        private final List<int[]> entries = new ArrayList<>();
        private final ByteArrayOutputStream store = new ByteArrayOutputStream();

        Blob entry(int tag, int type, int offset, int count) {
            entries.add(new int[] {tag, type, offset, count});
            return this;
        }

        Blob strings(int tag, int type, String... values) {
            entry(tag, type, store.size(), values.length);
            for (String v : values) {
                store.writeBytes(v.getBytes(StandardCharsets.UTF_8));
                store.write(0);
            }
            return this;
        }

        Blob string(int tag, String value) {
            return strings(tag, RpmHeader.STRING, value);
        }

        Blob int32(int tag, int value) {
            while (store.size() % 4 != 0) {
                store.write(0);
            }
            entry(tag, RpmHeader.INT32, store.size(), 1);
            store.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
            return this;
        }

        Blob raw(byte[] bytes) {
            store.writeBytes(bytes);
            return this;
        }

        byte[] build() {
            ByteBuffer b = ByteBuffer.allocate(8 + 16 * entries.size() + store.size());
            b.putInt(entries.size()).putInt(store.size());
            for (int[] e : entries) {
                for (int v : e) {
                    b.putInt(v);
                }
            }
            return b.put(store.toByteArray()).array();
        }
    }

    static Blob minimal() {
        return new Blob().string(RpmHeader.NAME, "pkg").string(RpmHeader.VERSION, "1.0").string(RpmHeader.RELEASE, "2");
    }

    @Test
    void everyFieldOfAFullHeader() throws DetectException {
        byte[] blob = new Blob()
                .entry(63, 7, 0, 16).raw(new byte[16])   // a region tag first, as rpm writes it: not looked at
                .string(RpmHeader.NAME, "NetworkManager").string(RpmHeader.VERSION, "1.42.0").string(RpmHeader.RELEASE, "1.fc38")
                .int32(RpmHeader.EPOCH, 1)
                .strings(RpmHeader.SUMMARY, RpmHeader.I18NSTRING, "Network manager", "Netzwerkverwaltung")
                .strings(RpmHeader.DESCRIPTION, RpmHeader.I18NSTRING, "Manages networks.\nAll of them.")
                .string(RpmHeader.URL, "https://networkmanager.dev/").string(RpmHeader.ARCH, "x86_64")
                .string(RpmHeader.NAME, "not-the-first-entry")
                .build();

        RpmHeader h = RpmHeader.parse(blob);

        assertEquals(new RpmHeader("NetworkManager", 1, "1.42.0", "1.fc38", "x86_64", "https://networkmanager.dev/",
                "Network manager", "Manages networks.\nAll of them."), h);
        assertEquals(new Package("NetworkManager", 1, "1.42.0", "1.fc38", "x86_64", "https://networkmanager.dev/",
                "Network manager"), h.toPackage());
    }

    @Test
    void absentFieldsAreEmptyAndTheEpochZero() throws DetectException {
        assertEquals(new RpmHeader("pkg", 0, "1.0", "2", "", "", "", ""), RpmHeader.parse(minimal().build()));
        // a string array gives its first string; non-ASCII survives
        assertEquals("Grüße", RpmHeader.parse(minimal().strings(RpmHeader.SUMMARY, RpmHeader.STRING_ARRAY, "Grüße", "x").build())
                .summary());
    }

    @Test
    void theFiveHeadersOfTheFedoraDatabaseInFull() throws Exception {
        SqliteFile db = SqliteFile.parse(ByteBuffer.wrap(RpmDatabases.fedora38()));
        List<RpmHeader> headers = new ArrayList<>();
        db.scan(db.tableRoot("Packages").orElseThrow(), new SqliteFile.RowVisitor() {
            @Override
            public void row(long rowid, List<Object> values) {
                try {
                    headers.add(RpmHeader.parse((byte[]) values.get(1)));
                } catch (DetectException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public void unreadable(long rowid, String reason) {
                throw new AssertionError(reason);
            }
        });
        assertEquals(RpmDatabases.FEDORA_38, headers.stream().map(RpmHeader::toPackage).toList());
        assertEquals("NetworkManager is a system service that manages network interfaces and connections based on user or "
                + "automatic configuration.", headers.get(2).description());
    }

    @Test
    void malformedHeadersAreRefusedWithTheCause() {
        byte[] good = minimal().build();
        assertRefused(Arrays.copyOf(good, 7), "too short");
        assertRefused(Arrays.copyOf(good, good.length - 1), "shorter than its 3 index entries");
        assertRefused(ByteBuffer.allocate(8).putInt(0).putInt(0).array(), "0 index entries");
        assertRefused(ByteBuffer.allocate(8).putInt(-1).putInt(0).array(), "4294967295 index entries");
        assertRefused(ByteBuffer.allocate(24).putInt(1).putInt(-1).array(), "4294967295 bytes of data");
        assertRefused(new Blob().string(RpmHeader.VERSION, "1").string(RpmHeader.RELEASE, "1").build(), "without NAME");
        assertRefused(new Blob().string(RpmHeader.NAME, "").string(RpmHeader.VERSION, "1").build(), "without NAME");
        assertRefused(new Blob().string(RpmHeader.NAME, "a").string(RpmHeader.RELEASE, "1").build(), "without VERSION");
        assertRefused(new Blob().string(RpmHeader.NAME, "a").string(RpmHeader.VERSION, "1").build(), "without RELEASE");
        assertRefused(minimal().int32(RpmHeader.ARCH, 5).build(), "tag 1022 has type 4, not a string");
        assertRefused(minimal().string(RpmHeader.EPOCH, "1").build(), "tag 1003: not a 32-bit integer");
        assertRefused(minimal().entry(RpmHeader.URL, RpmHeader.STRING, 1000, 1).build(), "tag 1020: offset 1000");
        assertRefused(minimal().entry(RpmHeader.URL, RpmHeader.STRING, -1, 1).build(), "tag 1020: offset 4294967295");
        assertRefused(minimal().entry(RpmHeader.URL, RpmHeader.STRING, 0, 0).build(), "(count 0)");
        assertRefused(minimal().entry(RpmHeader.EPOCH, RpmHeader.INT32, 10, 1).build(), "tag 1003: not a 32-bit integer");
        // a string without its NUL before the end of the store
        assertRefused(minimal().entry(RpmHeader.URL, RpmHeader.STRING, 10, 1).raw("http".getBytes(StandardCharsets.US_ASCII)).build(),
                "tag 1020: string at offset 10 runs past the data");
    }

    private static void assertRefused(byte[] blob, String cause) {
        DetectException e = assertThrows(DetectException.class, () -> RpmHeader.parse(blob));
        assertTrue(e.getMessage().contains(cause), e.getMessage());
    }
}
