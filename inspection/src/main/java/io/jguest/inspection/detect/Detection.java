package io.jguest.inspection.detect;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The state of one inspection that the built-ins share: the mounted filesystems, the warnings they
 * report, and what they already computed (each built-in call is answered once per inspection, so
 * built-ins are pure for the evaluation however often the engine asks, and a file is parsed once).
 *
 * <p>Thread-confined: create one per inspection and call the evaluation inside {@link #run}, which
 * makes it the {@linkplain #current() current} detection of the built-ins (a scoped value, so the
 * compiled rules and their built-ins can be shared by concurrent inspections on other threads).
 */
public final class Detection implements AutoCloseable {
    /** Warnings kept per inspection; more are counted in a last line. */
    static final int MAX_WARNINGS = 200;

    private static final ScopedValue<Detection> CURRENT = ScopedValue.newInstance();

    private final Map<String, RootedFs> filesystems = new HashMap<>();
    private final Set<String> warnings = new LinkedHashSet<>();
    private int droppedWarnings;
    private final Map<List<String>, List<List<String>>> answers = new HashMap<>();
    private final Map<List<String>, Optional<?>> parsed = new HashMap<>();

    /** @param mounted device → the host directory where it is mounted read-only */
    public Detection(Map<String, Path> mounted) {
        mounted.forEach((device, root) -> filesystems.put(device, new RootedFs(device, root, arena)));
    }

    /** Files the built-ins mapped (hives, rpm databases), unmapped by {@link #close}. */
    private final Arena arena = Arena.ofShared();

    /**
     * Unmaps every file the built-ins mapped, so that the inspected filesystems can be unmounted at
     * once. Idempotent. Nothing read during the inspection may be used afterwards.
     */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** Runs {@code body} (the evaluation) with this detection as the built-ins' current one. */
    public <T> T run(Supplier<T> body) {
        return ScopedValue.where(CURRENT, this).call(body::get);
    }

    /** What the built-ins could not read, one line each, in the order first reported, without repeats. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>(warnings);
        if (droppedWarnings > 0) {
            out.add("... and " + droppedWarnings + " more warnings");
        }
        return out;
    }

    static Detection current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException("an inspection built-in was called outside Detection.run");
        }
        return CURRENT.get();
    }

    /** The filesystem mounted for {@code device}, or empty when it is not mounted. */
    public Optional<RootedFs> fs(String device) {
        return Optional.ofNullable(filesystems.get(device));
    }

    /** Records a warning line ({@code /dev/sda2: /etc/fstab line 3: ...}). */
    public void warn(String line) {
        if (warnings.contains(line)) {
            return;
        }
        if (warnings.size() >= MAX_WARNINGS) {
            droppedWarnings++;
        } else {
            warnings.add(line);
        }
    }

    /** The answer to a built-in call, computed once. */
    List<List<String>> answer(List<String> call, Supplier<List<List<String>>> compute) {
        List<List<String>> a = answers.get(call);
        if (a == null) {
            a = compute.get();
            answers.put(call, a);
        }
        return a;
    }

    /** A parse result (a hive, a package list...) computed once per key; failures are cached as empty. */
    @SuppressWarnings("unchecked")
    <T> Optional<T> parsed(List<String> key, Supplier<Optional<T>> compute) {
        Optional<?> p = parsed.get(key);
        if (p == null) {
            p = compute.get();
            parsed.put(key, p);
        }
        return (Optional<T>) p;
    }
}
