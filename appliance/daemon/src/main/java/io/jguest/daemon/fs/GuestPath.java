package io.jguest.daemon.fs;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest path split into components, relative to the sysroot. Empty components and {@code .} are
 * dropped; {@code ..} is kept for the resolver (which cannot climb above the root).
 */
record GuestPath(String text, List<String> components) {
    private static final int PATH_MAX = 4096;

    static GuestPath parse(String text) throws GuestFsException {
        if (text == null) {
            throw new GuestFsException(Errno.EINVAL, null, "path is null");
        }
        if (text.indexOf('\0') >= 0) {
            throw new GuestFsException(Errno.EINVAL, text, "path contains a NUL byte");
        }
        if (text.length() >= PATH_MAX) {
            throw new GuestFsException(Errno.ENAMETOOLONG, null, "path of " + text.length() + " characters");
        }
        return new GuestPath(text, split(text));
    }

    /** The components of a slash-separated string, without empty ones and {@code .}. */
    static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    /**
     * Whether the path names a directory through itself rather than through a name in a parent: the
     * root, or a path ending in {@code ..}. Such paths have no (parent, name) pair.
     */
    boolean isSelf() {
        return components.isEmpty() || last().equals("..");
    }

    String last() {
        return components.getLast();
    }

    GuestPath parent() {
        return new GuestPath(text, components.subList(0, components.size() - 1));
    }
}
