package io.jguest.appliance.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a kernel's {@code modules.dep} (and {@code modules.builtin} when present) and turns a list of
 * wanted module names into a load order: dependencies first, each module once. Names compare with
 * {@code -} and {@code _} as equals, like modprobe. Built-in modules are skipped (nothing to load);
 * dependency cycles are harmless (a module being visited is not visited again).
 */
final class ModuleResolver {
    /**
     * One loadable module.
     *
     * @param name    normalised name ({@code virtio_rng})
     * @param relPath its path in {@code modules.dep}, e.g. {@code kernel/drivers/char/hw_random/virtio-rng.ko.xz}
     * @param file    the file on the host
     */
    record KernelModule(String name, String relPath, Path file) {
        /** The file name once decompressed: {@code virtio-rng.ko}. */
        String loadName() {
            String base = relPath.substring(relPath.lastIndexOf('/') + 1);
            int ko = base.lastIndexOf(".ko");
            return base.substring(0, ko + 3);
        }
    }

    /**
     * The outcome of one {@link #resolve} call.
     *
     * @param order   modules to load, dependencies first
     * @param missing wanted names that are neither modules nor built in
     * @param builtin wanted names that are built into the kernel
     */
    record Resolution(List<KernelModule> order, List<String> missing, List<String> builtin) {
    }

    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    private final Path modulesDir;
    /** normalised name -> relative path */
    private final Map<String, String> byName;
    /** relative path -> relative paths of its dependencies, in modules.dep order */
    private final Map<String, List<String>> deps;
    private final Set<String> builtins;

    ModuleResolver(Path modulesDir, Map<String, List<String>> deps, Set<String> builtins) {
        this.modulesDir = modulesDir;
        this.deps = Map.copyOf(deps);
        this.builtins = Set.copyOf(builtins);
        Map<String, String> names = new HashMap<>();
        for (String rel : deps.keySet()) {
            names.putIfAbsent(nameOf(rel), rel);
        }
        this.byName = Map.copyOf(names);
    }

    /** Parses {@code modulesDir/modules.dep} and, if present, {@code modulesDir/modules.builtin}. */
    static ModuleResolver load(Path modulesDir) throws IOException {
        Map<String, List<String>> deps = new HashMap<>();
        for (String line : Files.readAllLines(modulesDir.resolve("modules.dep"), StandardCharsets.UTF_8)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String rel = line.substring(0, colon).trim();
            String rest = line.substring(colon + 1).trim();
            deps.put(rel, rest.isEmpty() ? List.of() : List.of(WHITESPACE.split(rest)));
        }
        Set<String> builtins = new HashSet<>();
        Path builtinFile = modulesDir.resolve("modules.builtin");
        if (Files.isRegularFile(builtinFile)) {
            for (String line : Files.readAllLines(builtinFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    builtins.add(nameOf(line.trim()));
                }
            }
        }
        return new ModuleResolver(modulesDir, deps, builtins);
    }

    /** {@code kernel/fs/nls/nls_iso8859-1.ko.zst} -> {@code nls_iso8859_1}. */
    static String nameOf(String relPathOrName) {
        String base = relPathOrName.substring(relPathOrName.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        if (ko >= 0) {
            base = base.substring(0, ko);
        }
        return base.replace('-', '_');
    }

    /** True if a module of that name is built into the kernel. */
    boolean isBuiltin(String name) {
        return builtins.contains(nameOf(name));
    }

    /**
     * Resolves {@code wanted} in order, with each module's dependencies before it.
     *
     * @param wanted module names ({@code -}/{@code _} do not matter)
     * @param exclude normalised names already loaded by an earlier set; neither listed nor revisited
     */
    Resolution resolve(List<String> wanted, Set<String> exclude) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        Set<String> visiting = new HashSet<>();
        List<String> missing = new ArrayList<>();
        List<String> builtin = new ArrayList<>();
        for (String w : wanted) {
            String name = nameOf(w);
            String rel = byName.get(name);
            if (rel == null) {
                (builtins.contains(name) ? builtin : missing).add(w);
                continue;
            }
            visit(rel, order, visiting, exclude);
        }
        List<KernelModule> modules = new ArrayList<>();
        for (String rel : order) {
            modules.add(new KernelModule(nameOf(rel), rel, modulesDir.resolve(rel)));
        }
        return new Resolution(List.copyOf(modules), List.copyOf(missing), List.copyOf(builtin));
    }

    private void visit(String rel, LinkedHashSet<String> order, Set<String> visiting, Set<String> exclude) {
        if (order.contains(rel) || exclude.contains(nameOf(rel)) || !visiting.add(rel)) {
            return;
        }
        // modules.dep lists a module's whole dependency closure, deepest last: walk it from the end so the
        // order matches modprobe's; the recursion makes the order right even for hand-written files.
        List<String> ds = deps.getOrDefault(rel, List.of());
        for (int i = ds.size() - 1; i >= 0; i--) {
            String d = ds.get(i);
            if (deps.containsKey(d)) {
                visit(d, order, visiting, exclude);
            }
        }
        order.add(rel);
    }
}
