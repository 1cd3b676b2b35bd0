package io.jguest.appliance.build;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * The directory that becomes the root image. Host files are placed at their host paths, and every
 * symlink met on the way (a directory link like {@code /lib -> usr/lib}, or a file link like
 * {@code libc.so.6 -> libc-2.36.so}) is recreated with its original target, so paths the loader or a
 * script uses on the host work in the guest too. Writes never go through a symlink that points
 * outside the tree: every write is to the resolved (real) path.
 */
final class StagingTree {
    private static final Set<PosixFilePermission> EXEC = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> DATA = PosixFilePermissions.fromString("rw-r--r--");

    private final Path root;
    private final Path hostRoot;
    private final Set<Path> copied = new HashSet<>();

    /** @param root the staging directory; {@code hostRoot} is {@code /} except in tests */
    StagingTree(Path root, Path hostRoot) {
        this.root = root;
        this.hostRoot = hostRoot;
    }

    Path root() {
        return root;
    }

    /** The staging path of absolute guest path {@code guestPath} (lexically; no symlink resolution). */
    Path at(Path guestPath) {
        return root.resolve(hostRoot.relativize(guestPath).toString());
    }

    /** Creates directories (at their real guest paths); {@code guestDirs} are absolute. */
    void mkdirs(String... guestDirs) throws IOException {
        for (String d : guestDirs) {
            realDir(hostRoot.resolve(d.substring(1)), 0);
        }
    }

    /**
     * Copies host file {@code hostPath} (absolute) to the same path in the tree, recreating symlinks
     * along the way and copying their targets too. Returns the real host file that was copied.
     */
    Path copyHostFile(Path hostPath) throws IOException {
        return copyHostFile(hostPath.toAbsolutePath().normalize(), 0);
    }

    private Path copyHostFile(Path hostPath, int depth) throws IOException {
        if (depth > 40) {
            throw new IOException("too many levels of symbolic links: " + hostPath);
        }
        Path parent = realDir(hostPath.getParent(), depth + 1);
        Path here = parent.resolve(hostPath.getFileName().toString());
        if (Files.isSymbolicLink(here)) {
            Path target = Files.readSymbolicLink(here);
            link(here, target);
            return copyHostFile(parent.resolve(target).normalize(), depth + 1);
        }
        if (copied.add(here)) {
            if (!Files.isRegularFile(here)) {
                throw new IOException("not a regular file: " + here);
            }
            Path dst = at(here);
            Files.copy(here, dst, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(dst, Files.isExecutable(here) ? EXEC : DATA);
        }
        return here;
    }

    /**
     * Makes sure the directory {@code hostDir} exists in the tree the way it exists on the host (as
     * directories and symlinks); returns its real host path.
     */
    private Path realDir(Path hostDir, int depth) throws IOException {
        if (depth > 40) {
            throw new IOException("too many levels of symbolic links: " + hostDir);
        }
        if (hostDir == null || hostDir.equals(hostRoot) || hostDir.getParent() == null) {
            return hostRoot;
        }
        Path parent = realDir(hostDir.getParent(), depth + 1);
        Path here = parent.resolve(hostDir.getFileName().toString());
        if (Files.isSymbolicLink(here)) {
            Path target = Files.readSymbolicLink(here);
            link(here, target);
            return realDir(parent.resolve(target).normalize(), depth + 1);
        }
        Path dst = at(here);
        if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dst);
        }
        return here;
    }

    private void link(Path hostLink, Path target) throws IOException {
        Path dst = at(hostLink);
        if (Files.isSymbolicLink(dst)) {
            return;
        }
        Files.createDirectories(dst.getParent());
        try {
            Files.createSymbolicLink(dst, target);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot link " + hostLink + " -> " + target + ": a file is already there", e);
        }
    }

    /** Writes {@code content} at guest path {@code guestPath} (parent resolved like host paths). */
    Path write(String guestPath, byte[] content, boolean executable) throws IOException {
        Path g = hostRoot.resolve(guestPath.substring(1));
        Path dst = at(realDir(g.getParent(), 0).resolve(g.getFileName().toString()));
        Files.write(dst, content);
        Files.setPosixFilePermissions(dst, executable ? EXEC : DATA);
        return dst;
    }

    /** Copies {@code source} to guest path {@code guestPath} under a new name (parent resolved like host paths). */
    Path copy(Path source, String guestPath, boolean executable) throws IOException {
        Path g = hostRoot.resolve(guestPath.substring(1));
        Path dst = at(realDir(g.getParent(), 0).resolve(g.getFileName().toString()));
        Files.copy(source, dst, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(dst, executable ? EXEC : DATA);
        return dst;
    }

    /** Creates symlink {@code guestPath -> target} unless something exists there (symlinks followed inside the tree). */
    boolean symlinkIfAbsent(String guestPath, String target) throws IOException {
        Path g = hostRoot.resolve(guestPath.substring(1));
        Path dst = at(realDir(g.getParent(), 0).resolve(g.getFileName().toString()));
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.createSymbolicLink(dst, Path.of(target));
        return true;
    }

    /** True if guest path {@code guestPath} exists in the tree, following symlinks within the tree only. */
    boolean exists(String guestPath) {
        try {
            Path g = hostRoot.resolve(guestPath.substring(1));
            Path dir = guestRealDir(g.getParent(), 0);
            return dir != null && Files.exists(at(dir.resolve(g.getFileName().toString())), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }

    /** Like {@link #realDir} but reads only the tree (guest view); null if absent. */
    private Path guestRealDir(Path dir, int depth) throws IOException {
        if (depth > 40) {
            return null;
        }
        if (dir == null || dir.equals(hostRoot) || dir.getParent() == null) {
            return hostRoot;
        }
        Path parent = guestRealDir(dir.getParent(), depth + 1);
        if (parent == null) {
            return null;
        }
        Path here = parent.resolve(dir.getFileName().toString());
        Path st = at(here);
        if (Files.isSymbolicLink(st)) {
            return guestRealDir(parent.resolve(Files.readSymbolicLink(st)).normalize(), depth + 1);
        }
        return Files.isDirectory(st, LinkOption.NOFOLLOW_LINKS) ? here : null;
    }
}
