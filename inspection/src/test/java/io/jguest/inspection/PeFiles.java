package io.jguest.inspection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Minimal valid PE executables for tests (what {@code cmd.exe} must look like to inspection). */
public final class PeFiles {
    public static final int I386 = 0x14c;
    public static final int AMD64 = 0x8664;
    public static final int ARM64 = 0xaa64;

    private PeFiles() {
    }

    /**
     * A DOS stub whose e_lfanew points at 0x80, a COFF header for {@code machine} with no sections and
     * a PE32 (i386) or PE32+ optional header, padded to 512 bytes.
     */
    public static byte[] minimal(int machine) {
        boolean plus = machine != I386;
        int optionalSize = plus ? 240 : 224;
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z');
        b.putInt(0x3c, 0x80);
        b.position(0x80);
        b.put((byte) 'P').put((byte) 'E').put((byte) 0).put((byte) 0);
        b.putShort((short) machine);            // Machine
        b.putShort((short) 0);                  // NumberOfSections
        b.putInt(0x5f5e1000);                   // TimeDateStamp
        b.putInt(0).putInt(0);                  // symbol table
        b.putShort((short) optionalSize);       // SizeOfOptionalHeader
        b.putShort((short) (plus ? 0x0022 : 0x0102)); // executable, 32-bit or large-address-aware
        b.putShort((short) (plus ? 0x20b : 0x10b));   // optional header magic
        return b.array();
    }
}
