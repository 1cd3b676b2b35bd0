package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jguest.api.Errno;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFlags;
import java.io.ByteArrayOutputStream;

/** Assertions and small helpers over {@link GuestFileSystem}. */
final class GuestAssertions {
    /** A guest call that may fail. */
    @FunctionalInterface
    interface GuestCall {
        void run() throws Exception;
    }

    private GuestAssertions() {
    }

    /** The call fails with exactly this errno. */
    static GuestFsException assertErrno(Errno expected, GuestCall call) {
        try {
            call.run();
        } catch (GuestFsException e) {
            assertEquals(expected, e.errno(), () -> "errno of: " + e.getMessage());
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected GuestFsException(" + expected + "), got " + e, e);
        }
        return fail("expected " + expected + ", but the call succeeded");
    }

    /** Writes (creating or truncating) a whole file, in 1 MiB requests. */
    static void writeFile(GuestFileSystem fs, String path, byte[] data) throws GuestFsException {
        long h = fs.open(path, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644);
        try {
            for (int off = 0; off < data.length || off == 0; off += 1 << 20) {
                int n = Math.min(1 << 20, data.length - off);
                byte[] chunk = java.util.Arrays.copyOfRange(data, off, off + n);
                assertEquals(n, fs.pwrite(h, off, chunk));
                if (data.length == 0) {
                    break;
                }
            }
        } finally {
            fs.release(h);
        }
    }

    /** {@code size} bytes from a seeded generator: the same every run. */
    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** UTF-8 bytes of {@code s}. */
    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a whole file, in 1 MiB requests. */
    static byte[] readFile(GuestFileSystem fs, String path) throws GuestFsException {
        long h = fs.open(path, OpenFlags.O_RDONLY, 0);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long off = 0;
            while (true) {
                byte[] chunk = fs.pread(h, off, 1 << 20);
                if (chunk.length == 0) {
                    return out.toByteArray();
                }
                out.writeBytes(chunk);
                off += chunk.length;
            }
        } finally {
            fs.release(h);
        }
    }
}
