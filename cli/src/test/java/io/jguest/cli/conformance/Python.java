package io.jguest.cli.conformance;

import io.jguest.cli.it.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a short python3 snippet as a given user, for the system calls Java cannot make
 * ({@code utimensat} with nanoseconds or UTIME_OMIT, {@code mknod}, {@code fstat} of an unlinked
 * file) and for running as another uid. The snippet gets its arguments as {@code sys.argv[1:]}, the
 * modules {@code errno, os, stat, sys}, and {@code err(f, *args)}: {@code "ok"}, or the errno name
 * {@code f(*args)} failed with. Its standard output, stripped, is the result; a non-zero exit (an
 * uncaught exception) fails the test with python's traceback.
 */
final class Python {
    /** The system interpreter: reachable by every uid (a pyenv shim under /root is not). */
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PRELUDE = """
            import ctypes, errno, os, stat, sys
            def err(f, *args):
                try:
                    f(*args)
                    return "ok"
                except OSError as e:
                    return errno.errorcode[e.errno]
            """;

    /** Who runs a snippet: the prefix that switches user, empty for this process's own (root). */
    record As(String name, List<String> prefix) {
        static final As ROOT = new As("root", List.of());
        /** uid and gid 65534, no supplementary groups: owns nothing on a fresh image. */
        static final As NOBODY = new As("nobody", List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        static final int NOBODY_ID = 65534;

        /** Root (so with every capability) whose gid is {@code gid}. */
        static As rootWithGroup(int gid) {
            return new As("root:" + gid, List.of("setpriv", "--regid=" + gid, "--clear-groups"));
        }
    }

    private Python() {
    }

    /** Makes a host directory reachable by the other users snippets run as (a @TempDir is 0700). */
    static Path reachable(Path dir) throws IOException {
        Files.setAttribute(dir, "unix:mode", 0755);
        return dir;
    }

    static String run(As who, String snippet, Object... args) {
        List<String> command = new ArrayList<>(who.prefix());
        command.addAll(List.of(PYTHON, "-c", PRELUDE + snippet.stripIndent()));
        for (Object a : args) {
            command.add(a.toString());
        }
        return Tool.run(Map.of(), null, command).stdout().strip();
    }

    /** The errno name (or "ok") of {@code os.CALL(args...)} run by {@code who}, e.g. {@code os.open(p, os.O_RDONLY)}. */
    static String errno(As who, String call, Object... args) {
        return run(who, "print(err(lambda: " + call + "))", args);
    }
}
