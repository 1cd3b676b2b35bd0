package io.jguest.inspection.detect;

import io.jguest.inspection.hive.Hive;
import io.jguest.inspection.hive.HiveException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A guest filesystem mounted (read-only) at a host directory, read without ever leaving it.
 *
 * <p>Guest paths are resolved component by component here, not by the host kernel: a symlink's
 * target is read and resolved again inside the root (an absolute target starts over at the root,
 * {@code ..} stops at the root), at most {@value #MAX_LINKS} links per lookup (more is a
 * {@link DetectException}, like ELOOP). Every component handed to the host is a plain name checked
 * with {@code lstat} to be a directory or the final entry, so the host never follows a guest symlink.
 * Case-insensitive lookups (Windows) match each component against the directory's listing, an exact
 * match first.
 *
 * <p>Only regular files are ever opened (a FIFO or a device would block or be endless), and every
 * read is bounded by its caller's limit. Instances hold no open files.
 */
public final class RootedFs {
    /** Symlinks followed in one lookup before giving up, as Linux's ELOOP limit. */
    public static final int MAX_LINKS = 40;
    /** Entries compared in one directory for a case-insensitive lookup. */
    static final int MAX_LISTING = 100_000;

    private final String device;
    private final Path root;

    /** @param device the guest device ({@code /dev/sda2}), for messages; @param root where it is mounted */
    public RootedFs(String device, Path root) {
        this(device, root, null);
    }

    /**
     * @param arena what {@link #map} maps files in, so that closing it unmaps them at once (a mapping
     *              left to the garbage collector keeps the filesystem busy: its unmount fails with
     *              EBUSY); null for mappings that live until collected
     */
    public RootedFs(String device, Path root, Arena arena) {
        this.device = device;
        this.root = root;
        this.arena = arena;
    }

    private final Arena arena;

    public String device() {
        return device;
    }

    public Path root() {
        return root;
    }

    /**
     * A resolved entry.
     *
     * @param guestPath the canonical guest path, every component a real (correctly cased) name, no
     *                  symlinks except possibly the last when it was not followed
     * @param host      where it is on the host
     * @param attrs     its attributes (of the link itself when the last component was not followed)
     */
    public record Entry(String guestPath, Path host, BasicFileAttributes attrs) {
    }

    /**
     * Resolves {@code guestPath} inside the root.
     *
     * @param followLast whether a symlink as the last component is followed
     * @param ignoreCase whether each component is matched case-insensitively (an exact match preferred)
     * @return empty when a component does not exist or a non-final component is not a directory
     * @throws DetectException too many symlinks, or an I/O error other than "does not exist"
     */
    public Optional<Entry> resolve(String guestPath, boolean followLast, boolean ignoreCase) throws DetectException {
        Deque<String> todo = new ArrayDeque<>(split(guestPath));
        List<String> done = new ArrayList<>();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int links = 0;
            while (!todo.isEmpty()) {
                String name = todo.removeFirst();
                if (name.equals("..")) {
                    if (!done.isEmpty()) {
                        done.removeLast();
                    }
                    attrs = Files.readAttributes(host(done), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    continue;
                }
                Path dir = host(done);
                String real = ignoreCase ? matchIgnoringCase(dir, name) : name;
                if (real == null) {
                    return Optional.empty();
                }
                Path entry = dir.resolve(real);
                BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                boolean last = todo.isEmpty();
                if (a.isSymbolicLink() && (!last || followLast)) {
                    if (++links > MAX_LINKS) {
                        throw new DetectException(guestPath + ": too many levels of symbolic links");
                    }
                    String target = Files.readSymbolicLink(entry).toString();
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    List<String> parts = split(target);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.addFirst(parts.get(i));
                    }
                    if (todo.isEmpty()) {   // a link to "/" (or to ".")
                        attrs = Files.readAttributes(host(done), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    }
                    continue;
                }
                if (!last && !a.isDirectory()) {
                    return Optional.empty();
                }
                done.add(real);
                attrs = a;
            }
        } catch (NoSuchFileException | NotDirectoryException | InvalidPathException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DetectException(guestPath + ": " + describe(e), e);
        }
        return Optional.of(new Entry("/" + String.join("/", done), host(done), attrs));
    }

    /** The components of a path, without empty ones and {@code .}. */
    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        return parts;
    }

    private Path host(List<String> components) {
        return components.isEmpty() ? root : root.resolve(String.join("/", components));
    }

    /** {@code name} if it exists as it is, else the first entry (in name order) equal ignoring case, else null. */
    private static String matchIgnoringCase(Path dir, String name) throws IOException {
        if (Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            return name;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        String best = null;
        int seen = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (++seen > MAX_LISTING) {
                    break;
                }
                String n = e.getFileName().toString();
                if (n.equalsIgnoreCase(name) && (best == null || n.compareTo(best) < 0)) {
                    best = n;
                }
            }
        }
        return best;
    }

    /** The regular file at {@code guestPath} (symlinks followed), or empty when there is none. */
    public Optional<Entry> regularFile(String guestPath, boolean ignoreCase) throws DetectException {
        Optional<Entry> e = resolve(guestPath, true, ignoreCase);
        if (e.isPresent() && !e.get().attrs().isRegularFile()) {
            throw new DetectException(guestPath + ": not a regular file");
        }
        return e;
    }

    /**
     * The whole of a small regular file, or empty when it does not exist.
     *
     * @throws DetectException not a regular file, larger than {@code maxBytes}, or unreadable
     */
    public Optional<byte[]> readSmall(String guestPath, int maxBytes) throws DetectException {
        Optional<Entry> e = regularFile(guestPath, false);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        long size = e.get().attrs().size();
        if (size > maxBytes) {
            throw new DetectException(guestPath + ": " + size + " bytes, more than the " + limit(maxBytes) + " read for it");
        }
        try (InputStream in = Files.newInputStream(e.get().host(), LinkOption.NOFOLLOW_LINKS)) {
            byte[] data = in.readNBytes(maxBytes + 1);
            if (data.length > maxBytes) {
                throw new DetectException(guestPath + ": grew past " + limit(maxBytes) + " while read");
            }
            return Optional.of(data);
        } catch (IOException ex) {
            throw new DetectException(guestPath + ": " + describe(ex), ex);
        }
    }

    /**
     * Streams the lines of a regular file to {@code sink} (without their {@code \n}), reading at most
     * {@code maxBytes}; a line longer than {@code maxLine} bytes is cut there.
     *
     * @return false when the file does not exist
     * @throws DetectException not a regular file or unreadable; when the file is larger than
     *                         {@code maxBytes} the lines before the limit have been delivered first
     */
    public boolean lines(String guestPath, long maxBytes, int maxLine, Consumer<String> sink) throws DetectException {
        Optional<Entry> e = regularFile(guestPath, false);
        if (e.isEmpty()) {
            return false;
        }
        long read = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(e.get().host(), LinkOption.NOFOLLOW_LINKS), 65536)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (++read > maxBytes) {
                    throw new DetectException(guestPath + ": larger than " + limit(maxBytes) + ", read only that much");
                }
                if (b == '\n') {
                    sink.accept(Text.decode(line.toByteArray()));
                    line.reset();
                } else if (line.size() < maxLine) {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                sink.accept(Text.decode(line.toByteArray()));
            }
            return true;
        } catch (IOException ex) {
            throw new DetectException(guestPath + ": " + describe(ex), ex);
        }
    }

    /**
     * Up to {@code length} bytes at {@code offset} of a regular file (fewer at its end).
     *
     * @return empty when the file does not exist
     */
    public Optional<byte[]> readAt(String guestPath, long offset, int length) throws DetectException {
        Optional<Entry> e = regularFile(guestPath, false);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(e.get().host(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(length);
            long pos = offset;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return Optional.of(out);
        } catch (IOException ex) {
            throw new DetectException(guestPath + ": " + describe(ex), ex);
        }
    }

    /** The names of the subdirectories of a directory (not followed), at most {@code max}; empty when it is not one. */
    public List<String> subdirectories(String guestPath, int max) throws DetectException {
        Optional<Entry> e = resolve(guestPath, true, false);
        List<String> names = new ArrayList<>();
        if (e.isEmpty() || !e.get().attrs().isDirectory()) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(e.get().host())) {
            for (Path p : entries) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (names.size() >= max) {
                        throw new DetectException(guestPath + ": more than " + max + " entries, read only that many");
                    }
                    names.add(p.getFileName().toString());
                }
            }
        } catch (IOException ex) {
            throw new DetectException(guestPath + ": " + describe(ex), ex);
        } finally {
            names.sort(null);
        }
        return names;
    }

    /**
     * A regular file mapped read-only (in this filesystem's arena, see the constructor), or empty when
     * it does not exist.
     *
     * @throws DetectException not a regular file, larger than {@code maxBytes} (2 GiB at most), or unreadable
     */
    public Optional<ByteBuffer> map(String guestPath, long maxBytes) throws DetectException {
        Optional<Entry> e = regularFile(guestPath, false);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        long max = Math.min(maxBytes, Integer.MAX_VALUE);
        try (FileChannel ch = FileChannel.open(e.get().host(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > max) {
                throw new DetectException(guestPath + ": " + size + " bytes, more than the " + limit(max) + " read for it");
            }
            return Optional.of(arena == null ? ch.map(FileChannel.MapMode.READ_ONLY, 0, size)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer());
        } catch (IOException ex) {
            throw new DetectException(guestPath + ": " + describe(ex), ex);
        }
    }

    /** Opens the registry hive at {@code guestPath} (a regular file), mapped with a cap of {@code maxBytes}. */
    public Optional<Hive> hive(String guestPath, long maxBytes) throws DetectException {
        Optional<ByteBuffer> data = map(guestPath, maxBytes);
        if (data.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Hive.parse(data.get()));
        } catch (HiveException ex) {
            throw new DetectException(guestPath + ": " + ex.getMessage(), ex);
        }
    }

    static String limit(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    /** A one-line cause, without the host path (which means nothing to the user). */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
