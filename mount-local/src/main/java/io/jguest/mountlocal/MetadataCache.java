package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What {@link GuestMount} remembers of the guest: attributes (including "no such file"), complete
 * directory listings, symlink targets, xattr lists and values, each valid for the cache timeout.
 *
 * <p>Maps are sorted by path so that a directory's subtree ({@code /a}, {@code /a/...}, and xattr
 * keys {@code /a\0name}) is one key range. A fetch takes a {@link #stamp()} before asking the guest;
 * an invalidation bumps the generation of the paths it drops (of every path for a subtree). A store
 * puts first and then checks the stamp, removing its own entry if an invalidation ran meanwhile, so
 * an answer fetched before a change can never be seen after it.
 */
final class MetadataCache {
    private static final int STRIPES = 64;
    private static final char XATTR_SEPARATOR = '\0';

    /** A cached value (null for a cached "absent") and when it expires ({@link System#nanoTime} scale). */
    record Timed<T>(T value, long expires) {
    }

    /**
     * The directories prefetched together in one batch. When the first of them is used, the
     * subdirectories of all of them are prefetched: a walk going down one is likely to go down all.
     */
    static final class PrefetchGroup {
        final List<String> dirs;
        private final AtomicBoolean expanded = new AtomicBoolean();

        PrefetchGroup(List<String> dirs) {
            this.dirs = List.copyOf(dirs);
        }

        /** True for the one caller that should expand the group. */
        boolean claim() {
            return expanded.compareAndSet(false, true);
        }
    }

    /** A directory's complete listing: the entries as fetched, by name (for negative lookups). */
    static final class Listing {
        final List<DirEntry> entries;
        private final Map<String, DirEntry> byName;
        /** The batch this listing was prefetched in; null when the walk itself listed it. */
        final PrefetchGroup group;

        Listing(List<DirEntry> entries, PrefetchGroup group) {
            this.byName = new LinkedHashMap<>(entries.size() * 2);
            for (DirEntry e : entries) {
                byName.put(e.name(), e);
            }
            this.entries = List.copyOf(byName.values());
            this.group = group;
        }

        boolean contains(String name) {
            return byName.containsKey(name);
        }

        DirEntry get(String name) {
            return byName.get(name);
        }

        Listing with(DirEntry entry) {
            List<DirEntry> l = new ArrayList<>(entries.size() + 1);
            for (DirEntry e : entries) {
                if (!e.name().equals(entry.name())) {
                    l.add(e);
                }
            }
            l.add(entry);
            return new Listing(l, group);
        }

        Listing without(String name) {
            if (!byName.containsKey(name)) {
                return this;
            }
            List<DirEntry> l = new ArrayList<>(entries);
            l.removeIf(e -> e.name().equals(name));
            return new Listing(l, group);
        }
    }

    private final long ttlNanos;
    private final LongSupplier clock;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    private final ConcurrentSkipListMap<String, Timed<FileAttributes>> attrs = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<Listing>> listings = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<String>> links = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<List<String>>> xattrLists = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<byte[]>> xattrValues = new ConcurrentSkipListMap<>();
    /** Paths with cached attributes of non-directories with nlink > 1, by inode. */
    private final Map<Long, Set<String>> multiLinked = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    MetadataCache(java.time.Duration ttl, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
        this.lastSweep = new AtomicLong(clock.getAsLong());
    }

    // ---- paths

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    // ---- generations

    /** The generations now: take before a fetch, pass to the store. */
    long[] stamp() {
        long[] s = new long[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            s[i] = generations.get(i);
        }
        return s;
    }

    private static int stripe(String path) {
        return (path.hashCode() & 0x7fffffff) % STRIPES;
    }

    private boolean unchanged(long[] stamp, String path) {
        int i = stripe(path);
        return generations.get(i) == stamp[i];
    }

    private void bump(String path) {
        generations.incrementAndGet(stripe(path));
    }

    private void bumpAll() {
        for (int i = 0; i < STRIPES; i++) {
            generations.incrementAndGet(i);
        }
    }

    private <T> void store(ConcurrentSkipListMap<String, Timed<T>> map, String key, String path, T value,
                           long[] stamp) {
        if (ttlNanos <= 0) {
            return;
        }
        Timed<T> t = new Timed<>(value, clock.getAsLong() + ttlNanos);
        map.put(key, t);
        if (!unchanged(stamp, path)) {
            map.remove(key, t);
        }
    }

    private <T> Timed<T> valid(Map<String, Timed<T>> map, String key) {
        Timed<T> t = map.get(key);
        if (t == null) {
            return null;
        }
        if (t.expires() - clock.getAsLong() < 0) {
            map.remove(key, t);
            return null;
        }
        return t;
    }

    // ---- lookups (null: not cached; a Timed with a null value: cached as absent)

    Timed<FileAttributes> attrs(String path) {
        return valid(attrs, path);
    }

    /** Cached attributes or null, without distinguishing "absent" from "not cached". */
    FileAttributes peekAttrs(String path) {
        Timed<FileAttributes> t = attrs(path);
        return t == null ? null : t.value();
    }

    /**
     * True when the nearest ancestor with a cached complete listing lacks the next component
     * ({@code /a/b/c} is absent when {@code /a}'s listing has no {@code b}).
     */
    boolean absentFromListing(String path) {
        String p = path;
        while (!p.equals("/")) {
            String dir = parent(p);
            Timed<Listing> l = valid(listings, dir);
            if (l != null) {
                return !l.value().contains(name(p));
            }
            p = dir;
        }
        return false;
    }

    Listing listing(String dir) {
        Timed<Listing> t = valid(listings, dir);
        return t == null ? null : t.value();
    }

    Timed<String> link(String path) {
        return valid(links, path);
    }

    Timed<List<String>> xattrList(String path) {
        return valid(xattrLists, path);
    }

    Timed<byte[]> xattr(String path, String name) {
        return valid(xattrValues, path + XATTR_SEPARATOR + name);
    }

    // ---- stores

    void putAttrs(String path, FileAttributes a, long[] stamp) {
        store(attrs, path, path, a, stamp);
        indexLinks(path, a);
    }

    /** Stores attributes just returned by our own change (the kernel serializes changes of one name). */
    void putFresh(String path, FileAttributes a) {
        if (ttlNanos > 0) {
            attrs.put(path, new Timed<>(a, clock.getAsLong() + ttlNanos));
            indexLinks(path, a);
        }
    }

    private void indexLinks(String path, FileAttributes a) {
        if (a != null && a.nlink() > 1 && a.type() != FileType.DIRECTORY && ttlNanos > 0) {
            multiLinked.computeIfAbsent(a.ino(), k -> ConcurrentHashMap.newKeySet()).add(path);
        }
    }

    /** Stores a listing and the attributes of each entry that carries them. */
    void putListing(String dir, List<DirEntry> entries, long[] stamp, PrefetchGroup group) {
        store(listings, dir, dir, new Listing(entries, group), stamp);
        for (DirEntry e : entries) {
            if (e.attributes() != null) {
                putAttrs(child(dir, e.name()), e.attributes(), stamp);
            }
        }
        sweepIfDue();
    }

    void putLink(String path, String target, long[] stamp) {
        store(links, path, path, target, stamp);
    }

    void putXattrList(String path, List<String> names, long[] stamp) {
        store(xattrLists, path, path, List.copyOf(names), stamp);
    }

    void putXattr(String path, String name, byte[] value, long[] stamp) {
        store(xattrValues, path + XATTR_SEPARATOR + name, path, value, stamp);
    }

    // ---- invalidation

    /** Size, times, mode or owner of one path changed. */
    void invalidateAttrs(String path) {
        bump(path);
        attrs.remove(path);
    }

    /** A directory's entries changed (and with them its mtime and maybe nlink). */
    void invalidateDirectory(String dir) {
        bump(dir);
        listings.remove(dir);
        attrs.remove(dir);
    }

    /** The name was created, removed or replaced: everything about it and its parent's listing. */
    void invalidateEntry(String path) {
        forgetName(path);
        invalidateDirectory(parent(path));
    }

    /** A directory was removed, renamed or replaced: it, everything below it, and its parent. */
    void invalidateSubtree(String path) {
        forgetSubtree(path);
        invalidateDirectory(parent(path));
    }

    /**
     * Our own change added {@code entry} at {@code path} (the kernel serializes changes of a
     * directory): the parent's cached listing gains it instead of being dropped, so lookups of
     * other new names stay free; the parent's attributes (mtime) are dropped.
     */
    void entryAdded(String path, DirEntry entry) {
        forgetName(path);
        amendParent(path, l -> l.with(entry));
    }

    /** Our own change removed the name (with its subtree when {@code subtree}); the listing loses it. */
    void entryRemoved(String path, boolean subtree) {
        if (subtree) {
            forgetSubtree(path);
        } else {
            forgetName(path);
        }
        amendParent(path, l -> l.without(name(path)));
    }

    /** The entry for {@code path} in its parent's cached listing, or null. */
    DirEntry entry(String path) {
        Listing l = listing(parent(path));
        return l == null ? null : l.get(name(path));
    }

    private void amendParent(String path, java.util.function.UnaryOperator<Listing> change) {
        String dir = parent(path);
        bump(dir);
        attrs.remove(dir);
        listings.computeIfPresent(dir, (k, t) -> new Timed<>(change.apply(t.value()), t.expires()));
    }

    /** A directory known to be empty (just made by us). */
    void putEmptyDirectory(String dir) {
        if (ttlNanos > 0) {
            listings.put(dir, new Timed<>(new Listing(List.of(), null), clock.getAsLong() + ttlNanos));
        }
    }

    private void forgetName(String path) {
        bump(path);
        attrs.remove(path);
        listings.remove(path);
        links.remove(path);
        invalidateXattrKeys(path);
    }

    private void forgetSubtree(String path) {
        bumpAll();
        if (path.equals("/")) {
            attrs.clear();
            listings.clear();
            links.clear();
            xattrLists.clear();
            xattrValues.clear();
            multiLinked.clear();
            return;
        }
        String from = path + "/";
        String to = path + "0";   // '0' follows '/'
        for (ConcurrentSkipListMap<String, ?> map : List.of(attrs, listings, links, xattrLists, xattrValues)) {
            map.remove(path);
            map.subMap(from, to).clear();
        }
        invalidateXattrKeys(path);
    }

    void invalidateXattrs(String path) {
        bump(path);
        invalidateXattrKeys(path);
    }

    private void invalidateXattrKeys(String path) {
        xattrLists.remove(path);
        xattrValues.subMap(path + XATTR_SEPARATOR, path + (char) (XATTR_SEPARATOR + 1)).clear();
    }

    /** The link count of an inode changed: the attributes of every name of it we know. */
    void invalidateInode(long ino) {
        Set<String> paths = multiLinked.remove(ino);
        if (paths != null) {
            paths.forEach(this::invalidateAttrs);
        }
    }

    /** As {@link #invalidateInode} for every multiply linked inode (when the inode is not known). */
    void invalidateMultiLinked() {
        for (Long ino : new ArrayList<>(multiLinked.keySet())) {
            invalidateInode(ino);
        }
    }

    private void sweepIfDue() {
        long now = clock.getAsLong();
        long last = lastSweep.get();
        long period = Math.max(ttlNanos, 1_000_000_000L);
        if (now - last < period || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (ConcurrentSkipListMap<String, ? extends Timed<?>> map
                : List.of(attrs, listings, links, xattrLists, xattrValues)) {
            map.values().removeIf(t -> t.expires() - now < 0);
        }
        multiLinked.values().forEach(paths -> paths.removeIf(p -> !attrs.containsKey(p)));
        multiLinked.values().removeIf(Set::isEmpty);
    }
}
