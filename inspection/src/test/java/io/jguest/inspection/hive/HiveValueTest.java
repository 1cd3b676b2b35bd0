package io.jguest.inspection.hive;

import static io.jguest.inspection.hive.HiveValue.REG_BINARY;
import static io.jguest.inspection.hive.HiveValue.REG_DWORD;
import static io.jguest.inspection.hive.HiveValue.REG_DWORD_BIG_ENDIAN;
import static io.jguest.inspection.hive.HiveValue.REG_EXPAND_SZ;
import static io.jguest.inspection.hive.HiveValue.REG_LINK;
import static io.jguest.inspection.hive.HiveValue.REG_MULTI_SZ;
import static io.jguest.inspection.hive.HiveValue.REG_NONE;
import static io.jguest.inspection.hive.HiveValue.REG_QWORD;
import static io.jguest.inspection.hive.HiveValue.REG_SZ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HiveValueTest {
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] utf16(String text) {
        return text.getBytes(StandardCharsets.UTF_16LE);
    }

    @Test
    void asStringStopsAtTheFirstNulAndToleratesAnOddTail() throws HiveException {
        assertEquals("6.1", new HiveValue("v", REG_SZ, utf16("6.1\0")).asString());
        assertEquals("6.1", new HiveValue("v", REG_SZ, utf16("6.1\0garbage\0")).asString());
        assertEquals("6.1", new HiveValue("v", REG_SZ, utf16("6.1")).asString());
        assertEquals("6.1", new HiveValue("v", REG_EXPAND_SZ, bytes('6', 0, '.', 0, '1', 0, 'x')).asString());
        assertEquals("", new HiveValue("v", REG_SZ, new byte[0]).asString());
        assertEquals("", new HiveValue("v", REG_SZ, bytes(0x41)).asString());
        assertEquals("ключ", new HiveValue("v", REG_SZ, utf16("ключ\0")).asString());
        // a NUL byte that is the high half of a code unit does not end the string
        assertEquals("\u0100A", new HiveValue("v", REG_SZ, bytes(0, 1, 'A', 0, 0, 0)).asString());
    }

    @Test
    void asStringRefusesOtherTypes() {
        for (int type : new int[] {REG_NONE, REG_BINARY, REG_DWORD, REG_MULTI_SZ, REG_LINK, REG_QWORD, 99}) {
            HiveException e = assertThrows(HiveException.class, () -> new HiveValue("Blob", type, utf16("x\0")).asString());
            assertEquals("value \"Blob\" is " + HiveValue.typeName(type) + ", not a string", e.getMessage());
        }
    }

    @Test
    void asDwordReadsFourBytesUnsigned() throws HiveException {
        assertEquals(10, new HiveValue("v", REG_DWORD, bytes(10, 0, 0, 0)).asDword());
        assertEquals(0xfffffffeL, new HiveValue("v", REG_DWORD, bytes(0xfe, 0xff, 0xff, 0xff)).asDword());
        assertEquals(0x01020304L, new HiveValue("v", REG_DWORD_BIG_ENDIAN, bytes(1, 2, 3, 4)).asDword());
        assertEquals(0x04030201L, new HiveValue("v", REG_BINARY, bytes(1, 2, 3, 4)).asDword());
    }

    @Test
    void asDwordRefusesOtherTypesAndSizes() {
        HiveException type = assertThrows(HiveException.class, () -> new HiveValue("v", REG_SZ, utf16("1\0")).asDword());
        assertEquals("value \"v\" is REG_SZ, not a DWORD", type.getMessage());
        HiveException size = assertThrows(HiveException.class, () -> new HiveValue("v", REG_DWORD, bytes(1, 2, 3)).asDword());
        assertEquals("value \"v\" (REG_DWORD) has 3 bytes, a DWORD has 4", size.getMessage());
        assertThrows(HiveException.class, () -> new HiveValue("v", REG_BINARY, bytes(1, 2, 3, 4, 5)).asDword());
        assertThrows(HiveException.class, () -> new HiveValue("v", REG_QWORD, bytes(1, 2, 3, 4)).asDword());
    }

    @Test
    void display() {
        assertEquals("Client", new HiveValue("v", REG_SZ, utf16("Client\0")).display());
        assertEquals("%SystemRoot%", new HiveValue("v", REG_EXPAND_SZ, utf16("%SystemRoot%\0")).display());
        assertEquals("\\Registry\\Machine", new HiveValue("v", REG_LINK, utf16("\\Registry\\Machine")).display());
        assertEquals("a\nbc", new HiveValue("v", REG_MULTI_SZ, utf16("a\0bc\0\0")).display());
        assertEquals("a\nbc", new HiveValue("v", REG_MULTI_SZ, utf16("a\0bc")).display());
        assertEquals("a", new HiveValue("v", REG_MULTI_SZ, utf16("a\0\0ignored\0\0")).display());
        assertEquals("", new HiveValue("v", REG_MULTI_SZ, utf16("\0")).display());
        assertEquals("4294967295", new HiveValue("v", REG_DWORD, bytes(0xff, 0xff, 0xff, 0xff)).display());
        assertEquals("16909060", new HiveValue("v", REG_DWORD_BIG_ENDIAN, bytes(1, 2, 3, 4)).display());
        assertEquals("18446744073709551615", new HiveValue("v", REG_QWORD, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff)).display());
        assertEquals("0102", new HiveValue("v", REG_DWORD, bytes(1, 2)).display());
        assertEquals("01020304", new HiveValue("v", REG_QWORD, bytes(1, 2, 3, 4)).display());
        assertEquals("00ff7a", new HiveValue("v", REG_BINARY, bytes(0, 0xff, 0x7a)).display());
        assertEquals("", new HiveValue("v", REG_NONE, new byte[0]).display());
        assertEquals("0a", new HiveValue("v", 0x12345, bytes(10)).display());
    }

    @Test
    void equalityUsesTheBytesAndTheRecordIsImmutable() {
        byte[] data = bytes(1, 2, 3);
        HiveValue value = new HiveValue("v", REG_BINARY, data);
        assertEquals(new HiveValue("v", REG_BINARY, bytes(1, 2, 3)), value);
        assertEquals(new HiveValue("v", REG_BINARY, bytes(1, 2, 3)).hashCode(), value.hashCode());
        assertNotEquals(new HiveValue("v", REG_BINARY, bytes(1, 2, 4)), value);
        assertNotEquals(new HiveValue("w", REG_BINARY, bytes(1, 2, 3)), value);
        assertNotEquals(new HiveValue("v", REG_NONE, bytes(1, 2, 3)), value);
        data[0] = 9;
        value.data()[1] = 9;
        assertArrayEquals(bytes(1, 2, 3), value.data());
        assertEquals("HiveValue[name=v, type=REG_BINARY, data=010203]", value.toString());
        assertEquals("HiveValue[name=big, type=type 99, data=" + "00".repeat(32) + "... (1000 bytes)]",
                new HiveValue("big", 99, new byte[1000]).toString());
    }
}
