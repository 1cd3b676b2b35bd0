package io.jguest.appliance.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Accumulates the appliance's inputs into a SHA-256. Every item is written as a label, a length and the
 * bytes, so different input lists cannot collide by concatenation. Host files are identified cheaply by
 * path, size and mtime ({@link #stat}); small inputs we ship ourselves by content ({@link #content}).
 */
final class CacheKey {
    private final MessageDigest digest;

    CacheKey() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    CacheKey text(String label, String value) {
        put(label);
        put(value);
        return this;
    }

    CacheKey bytes(String label, byte[] value) {
        put(label);
        putRaw(value);
        return this;
    }

    /** Path, symlink target (if a link), and the size and mtime of the file it resolves to. */
    CacheKey stat(String label, Path file) throws IOException {
        put(label);
        put(file.toString());
        if (Files.isSymbolicLink(file)) {
            put("->" + Files.readSymbolicLink(file));
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        put(a.size() + "/" + a.lastModifiedTime().toInstant());
        return this;
    }

    /** Path and full content hash (for daemon jars: they change without their size changing). */
    CacheKey content(String label, Path file) throws IOException {
        put(label);
        put(file.toString());
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        putRaw(d.digest());
        return this;
    }

    /** The full hex digest. */
    String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void put(String s) {
        putRaw(s.getBytes(StandardCharsets.UTF_8));
    }

    private void putRaw(byte[] b) {
        digest.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(b);
    }
}
