package io.jguest.appliance.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the shared libraries a set of ELF files needs, the way the glibc loader would, without running
 * anything: {@code DT_RPATH} (when there is no {@code DT_RUNPATH}), {@code DT_RUNPATH}, then the
 * directories of {@code /etc/ld.so.conf} (standing in for {@code ld.so.cache}), then the default
 * directories. A candidate must be an ELF file of the same class and machine as the file needing it.
 */
final class SharedLibraries {
    private static final List<Path> DEFAULT_DIRS = List.of(
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));

    /**
     * The closure of some ELF files.
     *
     * @param files      every library and program interpreter needed, as the path the loader would open
     *                   (not resolved through symlinks), in discovery order
     * @param unresolved {@code "soname (needed by FILE)"} for each library not found
     */
    record Closure(Set<Path> files, List<String> unresolved) {
    }

    private final List<Path> searchDirs;

    SharedLibraries(List<Path> searchDirs) {
        this.searchDirs = List.copyOf(searchDirs);
    }

    /** A resolver for this host: {@code /etc/ld.so.conf} directories, then the defaults. */
    static SharedLibraries forHost() {
        List<Path> dirs = new ArrayList<>();
        readLdSoConf(Path.of("/etc/ld.so.conf"), dirs, 0);
        for (Path d : DEFAULT_DIRS) {
            if (!dirs.contains(d)) {
                dirs.add(d);
            }
        }
        return new SharedLibraries(dirs);
    }

    private static void readLdSoConf(Path conf, List<Path> dirs, int depth) {
        if (depth > 4 || !Files.isRegularFile(conf)) {
            return;
        }
        try {
            for (String raw : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
                String line = raw.replaceFirst("#.*", "").trim();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("include ")) {
                    String pattern = line.substring("include ".length()).trim();
                    Path pat = conf.getParent().resolve(pattern);
                    Path dir = pat.getParent();
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pat.getFileName());
                    if (dir != null && Files.isDirectory(dir)) {
                        try (Stream<Path> s = Files.list(dir)) {
                            for (Path p : s.filter(p -> m.matches(p.getFileName())).sorted().toList()) {
                                readLdSoConf(p, dirs, depth + 1);
                            }
                        }
                    }
                } else if (line.startsWith("/")) {
                    Path d = Path.of(line.split("[\\s=]")[0]);
                    if (!dirs.contains(d)) {
                        dirs.add(d);
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable ld.so.conf only loses search directories
        }
    }

    /**
     * The libraries (and loaders) needed by {@code roots}, transitively. Roots themselves are not listed,
     * and a soname that names one of the roots counts as found.
     */
    Closure closure(Collection<Path> roots) throws IOException {
        Set<Path> found = new LinkedHashSet<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<String> unresolved = new ArrayList<>();
        Deque<Path> queue = new ArrayDeque<>(roots);
        Set<Path> rootSet = Set.copyOf(roots);
        // a library among the roots satisfies its soname even off the search path: the loader matches
        // already-loaded objects by soname (libjava.so needs libjvm.so, which java loaded by full path)
        Set<String> rootNames = new java.util.HashSet<>();
        for (Path r : roots) {
            rootNames.add(r.getFileName().toString());
        }
        while (!queue.isEmpty()) {
            Path file = queue.poll();
            if (!seen.add(file)) {
                continue;
            }
            Optional<ElfFile> elf = ElfFile.read(file);
            if (elf.isEmpty()) {
                continue;
            }
            ElfFile e = elf.get();
            if (e.interpreter() != null) {
                Path interp = Path.of(e.interpreter());
                if (Files.exists(interp)) {
                    add(interp, rootSet, found, queue);
                } else {
                    unresolved.add(e.interpreter() + " (interpreter of " + file + ")");
                }
            }
            for (String soname : e.needed()) {
                Optional<Path> lib = find(soname, file, e);
                if (lib.isPresent()) {
                    add(lib.get(), rootSet, found, queue);
                } else if (!rootNames.contains(soname)) {
                    unresolved.add(soname + " (needed by " + file + ")");
                }
            }
        }
        return new Closure(found, List.copyOf(unresolved));
    }

    private static void add(Path lib, Set<Path> roots, Set<Path> found, Deque<Path> queue) {
        if (!roots.contains(lib) && found.add(lib)) {
            queue.add(lib);
        }
    }

    private Optional<Path> find(String soname, Path from, ElfFile fromElf) throws IOException {
        if (soname.contains("/")) {
            Path p = Path.of(soname);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        }
        List<Path> dirs = new ArrayList<>();
        Path origin = from.toAbsolutePath().getParent();
        if (fromElf.runpath().isEmpty()) {
            fromElf.rpath().forEach(r -> dirs.add(expandOrigin(r, origin)));
        }
        fromElf.runpath().forEach(r -> dirs.add(expandOrigin(r, origin)));
        dirs.addAll(searchDirs);
        for (Path d : dirs) {
            Path candidate = d.resolve(soname);
            if (Files.isRegularFile(candidate)) {
                Optional<ElfFile> c = ElfFile.read(candidate);
                if (c.isPresent() && c.get().is64() == fromElf.is64() && c.get().machine() == fromElf.machine()) {
                    return Optional.of(candidate.normalize());
                }
            }
        }
        return Optional.empty();
    }

    private static Path expandOrigin(String entry, Path origin) {
        String s = entry.replace("${ORIGIN}", "$ORIGIN");
        if (s.contains("$ORIGIN")) {
            s = s.replace("$ORIGIN", origin.toString());
        }
        return Path.of(s);
    }
}
