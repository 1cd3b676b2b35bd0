package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
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
import java.util.function.UnaryOperator;

/**
 * What {@link GuestMount} remembers of the guest: attributes (including "no such file"), complete
 * directory listings, symlink targets, xattr lists and values, each valid for the cache timeout.
 *
 * <p>Maps are sorted by path so that a directory's subtree ({@code /a}, {@code /a/...}, and xattr
 * keys {@code /a\0name}) is one key range. A fetch takes a {@link #stamp()} before asking the guest;
 * an invalidation bumps the generation of the paths it drops (of every path for a subtree). A store
 * puts first and then checks the stamp, removing its own entry if an invalidation ran meanwhile, so
 * an answer fetched before a change can never be seen after it.
 *
 * <p>Over a {@link CaseInsensitiveFileSystem} the cache is case-insensitive too: every path is used
 * as its {@link CaseInsensitiveFileSystem#fold folded} key, so that all spellings of a name share one
 * entry (a change made through one is seen through every other), and a listing answers a lookup for
 * any spelling of a name it holds (a listing of {@code /} with {@code C} does not make {@code /c}
 * absent). Listings keep the names as the guest spells them. Two names of one directory that differ
 * only in case (possible on NTFS written from Linux) share one attribute entry; the first listed wins.
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

    /**
     * A directory's complete listing: the entries as fetched, by name (for negative lookups). When
     * case-insensitive, a name is also found by any spelling of it (the exact one first).
     */
    static final class Listing {
        final List<DirEntry> entries;
        private final Map<String, DirEntry> byName;
        /** Folded name to the first entry with it; null when case-sensitive. */
        private final Map<String, DirEntry> byFoldedName;
        /** The batch this listing was prefetched in; null when the walk itself listed it. */
        final PrefetchGroup group;

        Listing(List<DirEntry> entries, PrefetchGroup group, boolean caseInsensitive) {
            this.byName = new LinkedHashMap<>(entries.size() * 2);
            for (DirEntry e : entries) {
                byName.put(e.name(), e);
            }
            this.entries = List.copyOf(byName.values());
            this.group = group;
            if (caseInsensitive) {
                byFoldedName = new HashMap<>(entries.size() * 2);
                for (DirEntry e : this.entries) {
                    byFoldedName.putIfAbsent(CaseInsensitiveFileSystem.fold(e.name()), e);
                }
            } else {
                byFoldedName = null;
            }
        }

        /** {@code base} with {@code added}, a name it does not have, at the end (case-sensitive). */
        private Listing(Listing base, DirEntry added) {
            this.byName = new LinkedHashMap<>(base.byName);
            byName.put(added.name(), added);
            DirEntry[] all = base.entries.toArray(new DirEntry[base.entries.size() + 1]);
            all[all.length - 1] = added;
            this.entries = Collections.unmodifiableList(Arrays.asList(all));
            this.group = base.group;
            this.byFoldedName = null;
        }

        boolean contains(String name) {
            return get(name) != null;
        }

        DirEntry get(String name) {
            DirEntry e = byName.get(name);
            if (e == null && byFoldedName != null) {
                e = byFoldedName.get(CaseInsensitiveFileSystem.fold(name));
            }
            return e;
        }

        /** With {@code entry} added or replacing the one of that name (of any spelling of it, whose spelling stays). */
        Listing with(DirEntry entry) {
            DirEntry old = get(entry.name());
            if (old == null && byFoldedName == null) {
                return new Listing(this, entry);   // a new name: no pass over the entries to rebuild the index
            }
            DirEntry added = old == null || old.name().equals(entry.name()) ? entry
                    : new DirEntry(old.name(), entry.type(), entry.ino(), entry.attributes());
            List<DirEntry> l = new ArrayList<>(entries.size() + 1);
            for (DirEntry e : entries) {
                if (e != old) {
                    l.add(e);
                }
            }
            l.add(added);
            return new Listing(l, group, byFoldedName != null);
        }

        /** Without the entry of that name (of any spelling of it). */
        Listing without(String name) {
            DirEntry old = get(name);
            if (old == null) {
                return this;
            }
            List<DirEntry> l = new ArrayList<>(entries);
            l.remove(old);
            return new Listing(l, group, byFoldedName != null);
        }
    }

    private final long ttlNanos;
    private final LongSupplier clock;
    private final boolean caseInsensitive;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    private final ConcurrentSkipListMap<String, Timed<FileAttributes>> attrs = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<Listing>> listings = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<String>> links = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<List<String>>> xattrLists = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Timed<byte[]>> xattrValues = new ConcurrentSkipListMap<>();
    /** Paths with cached attributes of non-directories with nlink > 1, by inode. */
    private final Map<Long, Set<String>> multiLinked = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    MetadataCache(Duration ttl, LongSupplier clock) {
        this(ttl, clock, false);
    }

    /** @param caseInsensitive whether all spellings of a name are one (over a {@link CaseInsensitiveFileSystem}) */
    MetadataCache(Duration ttl, LongSupplier clock, boolean caseInsensitive) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
        this.caseInsensitive = caseInsensitive;
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

    /** The key of a path in every map: the path itself, or folded when case-insensitive (idempotent). */
    private String key(String path) {
        return caseInsensitive ? CaseInsensitiveFileSystem.fold(path) : path;
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
        return valid(attrs, key(path));
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
        String p = key(path);
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
        Timed<Listing> t = valid(listings, key(dir));
        return t == null ? null : t.value();
    }

    Timed<String> link(String path) {
        return valid(links, key(path));
    }

    Timed<List<String>> xattrList(String path) {
        return valid(xattrLists, key(path));
    }

    Timed<byte[]> xattr(String path, String name) {
        return valid(xattrValues, key(path) + XATTR_SEPARATOR + name);
    }

    // ---- stores

    void putAttrs(String path, FileAttributes a, long[] stamp) {
        String k = key(path);
        store(attrs, k, k, a, stamp);
        indexLinks(k, a);
    }

    /** Stores attributes just returned by our own change (the kernel serializes changes of one name). */
    void putFresh(String path, FileAttributes a) {
        if (ttlNanos > 0) {
            String k = key(path);
            attrs.put(k, new Timed<>(a, clock.getAsLong() + ttlNanos));
            indexLinks(k, a);
        }
    }

    private void indexLinks(String path, FileAttributes a) {
        if (a != null && a.nlink() > 1 && a.type() != FileType.DIRECTORY && ttlNanos > 0) {
            multiLinked.computeIfAbsent(a.ino(), k -> ConcurrentHashMap.newKeySet()).add(path);
        }
    }

    /** Stores a listing and the attributes of each entry that carries them. */
    void putListing(String dir, List<DirEntry> entries, long[] stamp, PrefetchGroup group) {
        String k = key(dir);
        store(listings, k, k, new Listing(entries, group, caseInsensitive), stamp);
        for (DirEntry e : entries) {
            if (e.attributes() != null) {
                putAttrs(child(dir, e.name()), e.attributes(), stamp);
            }
        }
        sweepIfDue();
    }

    void putLink(String path, String target, long[] stamp) {
        String k = key(path);
        store(links, k, k, target, stamp);
    }

    void putXattrList(String path, List<String> names, long[] stamp) {
        String k = key(path);
        store(xattrLists, k, k, List.copyOf(names), stamp);
    }

    void putXattr(String path, String name, byte[] value, long[] stamp) {
        String k = key(path);
        store(xattrValues, k + XATTR_SEPARATOR + name, k, value, stamp);
    }

    // ---- invalidation

    /** Size, times, mode or owner of one path changed. */
    void invalidateAttrs(String path) {
        String k = key(path);
        bump(k);
        attrs.remove(k);
    }

    /** A directory's entries changed (and with them its mtime and maybe nlink). */
    void invalidateDirectory(String dir) {
        String k = key(dir);
        bump(k);
        listings.remove(k);
        attrs.remove(k);
    }

    /** The name was created, removed or replaced: everything about it and its parent's listing. */
    void invalidateEntry(String path) {
        forgetName(key(path));
        invalidateDirectory(parent(path));
    }

    /** A directory was removed, renamed or replaced: it, everything below it, and its parent. */
    void invalidateSubtree(String path) {
        forgetSubtree(key(path));
        invalidateDirectory(parent(path));
    }

    /**
     * Our own change added {@code entry} at {@code path} (the kernel serializes changes of a
     * directory): the parent's cached listing gains it instead of being dropped, so lookups of
     * other new names stay free; the parent's attributes (mtime) are dropped.
     */
    void entryAdded(String path, DirEntry entry) {
        String k = key(path);
        forgetName(k);
        amendParent(k, l -> l.with(entry));
    }

    /** Our own change removed the name (with its subtree when {@code subtree}); the listing loses it. */
    void entryRemoved(String path, boolean subtree) {
        String k = key(path);
        if (subtree) {
            forgetSubtree(k);
        } else {
            forgetName(k);
        }
        amendParent(k, l -> l.without(name(path)));
    }

    /** The entry for {@code path} in its parent's cached listing, or null. */
    DirEntry entry(String path) {
        Listing l = listing(parent(path));
        return l == null ? null : l.get(name(path));
    }

    /** {@code key}: a path's key. */
    private void amendParent(String key, UnaryOperator<Listing> change) {
        String dir = parent(key);
        bump(dir);
        attrs.remove(dir);
        listings.computeIfPresent(dir, (k, t) -> new Timed<>(change.apply(t.value()), t.expires()));
    }

    /** A directory known to be empty (just made by us). */
    void putEmptyDirectory(String dir) {
        if (ttlNanos > 0) {
            listings.put(key(dir), new Timed<>(new Listing(List.of(), null, caseInsensitive), clock.getAsLong() + ttlNanos));
        }
    }

    /** {@code path}: a key. */
    private void forgetName(String path) {
        bump(path);
        attrs.remove(path);
        listings.remove(path);
        links.remove(path);
        invalidateXattrKeys(path);
    }

    /** {@code path}: a key. */
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
        String k = key(path);
        bump(k);
        invalidateXattrKeys(k);
    }

    /** {@code path}: a key. */
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
