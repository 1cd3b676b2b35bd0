package io.jguest.mountlocal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a guest filesystem is exposed.
 *
 * @param readOnly     every change answers EROFS, and the kernel may keep file pages ({@code kernel_cache})
 * @param cacheTimeout how long attributes, listings, symlink targets and xattrs fetched from the guest
 *                     stay in {@link GuestMount}'s cache (guestmount {@code --dir-cache-timeout}, default
 *                     60 s); every change through the mount invalidates what it touches at once. Also the
 *                     kernel's attribute/entry timeouts on read-only mounts (1 s on read-write mounts).
 * @param fuseOptions  extra {@code -o} options from the user ({@code allow_other}, {@code uid=}...), each
 *                     one option, passed to libfuse unchanged after ours (so the user's win)
 * @param fsName       the source shown by {@code mount}/{@code df} ({@code fsname=}); the type shows as
 *                     {@code fuse.jguest}
 * @param trace        log every FUSE operation, its arguments and result at INFO ({@code -x})
 */
public record MountConfig(boolean readOnly, Duration cacheTimeout, List<String> fuseOptions, String fsName,
                          boolean trace) {
    public static final Duration DEFAULT_CACHE_TIMEOUT = Duration.ofSeconds(60);

    public MountConfig {
        Objects.requireNonNull(cacheTimeout, "cacheTimeout");
        if (cacheTimeout.isNegative()) {
            throw new IllegalArgumentException("cache timeout must not be negative: " + cacheTimeout);
        }
        fuseOptions = List.copyOf(fuseOptions);
        fsName = fsName == null || fsName.isBlank() ? "jguest" : fsName;
    }

    public static MountConfig defaults(boolean readOnly) {
        return new MountConfig(readOnly, DEFAULT_CACHE_TIMEOUT, List.of(), "jguest", false);
    }
}
