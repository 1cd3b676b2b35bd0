package io.jguest.cli.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Which guestmount process serves which mountpoint, so that guestunmount can wait until that process
 * has flushed, shut the appliance down and exited (libguestfs's guestunmount returns before that).
 *
 * <p>One file per mount in a per-user directory, {@code $XDG_RUNTIME_DIR/jguest/mounts/}, else
 * {@code /tmp/jguest-$UID/mounts/} (mode 0700; a {@code /tmp} directory that is not ours, is a
 * symlink, or is open to others is refused). The file is named after a hash of the canonical
 * mountpoint and holds the mountpoint, the serving process and its helpers (the appliance's qemu),
 * each as {@code PID:STARTTIME} so that a reused pid is never mistaken for them. guestmount writes it
 * (atomically) once the mount answers and removes it as it exits; an entry whose processes are all
 * gone (guestmount was killed) is stale: ignored and removed.
 */
final class MountRegistry {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    /**
     * One registered mount.
     *
     * @param mountpoint canonical host mountpoint
     * @param server     the guestmount process serving it
     * @param helpers    processes it started that hold the image (qemu and its watchdog)
     */
    record Registration(Path mountpoint, ProcessIdentity server, List<ProcessIdentity> helpers) {
        Registration {
            helpers = List.copyOf(helpers);
        }

        /** True while the server or one of its helpers runs (a killed guestmount's qemu may outlive it). */
        boolean isLive() {
            return processes().stream().anyMatch(ProcessIdentity::isAlive);
        }

        /** The processes that must be gone before the image is safe: the server and its helpers. */
        List<ProcessIdentity> processes() {
            List<ProcessIdentity> all = new ArrayList<>(List.of(server));
            all.addAll(helpers);
            return all;
        }
    }

    private final Path dir;

    MountRegistry(Path dir) {
        this.dir = dir;
    }

    /** The registry of the user running this process (see the class comment). */
    static MountRegistry forCurrentUser() {
        return new MountRegistry(defaultDir(System.getenv(), uid()));
    }

    /** The real uid of this process (the "Uid:" line of {@code /proc/self/status}). */
    static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("/proc/self/status: cannot read the uid: " + e.getMessage(), e);
        }
        throw new IllegalStateException("/proc/self/status: no Uid line");
    }

    static Path defaultDir(Map<String, String> env, int uid) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "jguest", "mounts");
        }
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "jguest-" + uid, "mounts");
    }

    Path dir() {
        return dir;
    }

    /** Records {@code r}, replacing any entry for the same mountpoint. */
    void register(Registration r) throws IOException {
        ensureDir();
        Properties p = new Properties();
        p.setProperty("mountpoint", r.mountpoint().toString());
        p.setProperty("server", r.server().format());
        p.setProperty("helpers", String.join(",", r.helpers().stream().map(ProcessIdentity::format).toList()));
        Path target = fileFor(r.mountpoint());
        Path tmp = Files.createTempFile(dir, ".new-", ".tmp");
        try {
            try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "jguest guestmount registration");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The live registration for {@code mountpoint} (canonical), if any. A stale entry (its server and
     * helpers are all gone: guestmount was killed, and so was its qemu) is removed and not returned;
     * an unreadable one is ignored.
     */
    Optional<Registration> lookup(Path mountpoint) {
        Path file = fileFor(mountpoint);
        Optional<Registration> r = read(file);
        if (r.isEmpty() || !r.get().mountpoint().equals(mountpoint)) {
            return Optional.empty();
        }
        if (!r.get().isLive()) {
            deleteQuietly(file);
            return Optional.empty();
        }
        return r;
    }

    /** Removes the entry for {@code r}'s mountpoint if it is still {@code r}'s (a newer mount keeps its own). */
    void remove(Registration r) {
        Path file = fileFor(r.mountpoint());
        if (read(file).map(found -> found.server().equals(r.server())).orElse(false)) {
            deleteQuietly(file);
        }
    }

    Path fileFor(Path mountpoint) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(mountpoint.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".mount");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Registration> read(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            String helpers = p.getProperty("helpers", "");
            List<ProcessIdentity> hs = helpers.isBlank() ? List.of()
                    : List.of(helpers.split(",")).stream().map(ProcessIdentity::parse).toList();
            return Optional.of(new Registration(Path.of(p.getProperty("mountpoint")),
                    ProcessIdentity.parse(p.getProperty("server")), hs));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void ensureDir() throws IOException {
        Path top = dir.getParent();
        if (top != null && top.getFileName().toString().startsWith("jguest-")) {
            // /tmp/jguest-UID: shared /tmp, so it must be ours and private
            if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(top, PosixFilePermissions.asFileAttribute(PRIVATE));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // checked below
                }
            }
            checkPrivate(top);
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
        checkPrivate(dir);
    }

    private static void checkPrivate(Path d) throws IOException {
        PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int uid = (int) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions());
        open.retainAll(EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
        if (!a.isDirectory() || uid != uid() || !open.isEmpty()) {
            throw new IOException(d + ": not a private directory of this user (refusing to use it for mount registrations)");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover entry is harmless: its process is checked on every lookup
        }
    }
}
