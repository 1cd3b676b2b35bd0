package io.jguest.cli.mount;

import io.jguest.cli.CliException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The FUSE {@code -o} options guestmount accepts (libfuse 2 options that make sense over a guest
 * filesystem), checked before anything is launched and listed by {@code --fuse-help}. They are passed
 * to libfuse after ours, so the user's win.
 */
final class FuseOptions {
    /** One accepted option; {@code value} names its argument ({@code N}, {@code NAME}) or is null. */
    record Known(String name, String value, String help) {
        String usage() {
            return value == null ? name : name + "=" + value;
        }
    }

    static final List<Known> SUPPORTED = List.of(
            new Known("allow_other", null, "let other users use the mount (as non-root: user_allow_other in /etc/fuse.conf)"),
            new Known("allow_root", null, "let root use the mount too"),
            new Known("default_permissions", null, "let the kernel check access against the files' modes"),
            new Known("uid", "N", "show every file as owned by user N"),
            new Known("gid", "N", "show every file as owned by group N"),
            new Known("umask", "M", "show modes with the octal umask M applied"),
            new Known("attr_timeout", "S", "seconds the kernel caches attributes"),
            new Known("entry_timeout", "S", "seconds the kernel caches name lookups"),
            new Known("negative_timeout", "S", "seconds the kernel caches failed lookups"),
            new Known("kernel_cache", null, "keep file contents in the page cache across opens (default with --ro)"),
            new Known("auto_cache", null, "drop cached contents when a file's size or mtime changed"),
            new Known("direct_io", null, "bypass the page cache for file contents"),
            new Known("use_ino", null, "show the guest's inode numbers"),
            new Known("readdir_ino", null, "inode numbers in directory listings (without use_ino)"),
            new Known("max_read", "N", "largest read request, in bytes"),
            new Known("hard_remove", null, "forget open files at unlink: reads of an unlinked open file fail (by default they work)"),
            new Known("fsname", "NAME", "the source shown by mount and df (default: the first image's name)"),
            new Known("subtype", "NAME", "show the type as fuse.NAME"),
            new Known("noatime", null, "do not update access times"),
            new Known("nodev", null, "do not interpret device files"),
            new Known("nosuid", null, "ignore set-user-id and set-group-id bits"),
            new Known("noexec", null, "do not allow running programs from the mount"),
            new Known("auto_unmount", null, "unmount when guestmount dies (fusermount stays to watch it)"));

    private FuseOptions() {
    }

    /**
     * Splits each {@code -o} value at commas ({@code \,} keeps a comma) and checks every option.
     *
     * @return one option per element, in order
     * @throws CliException an unknown option, or one missing (or having an unexpected) value
     */
    static List<String> parse(List<String> given) throws CliException {
        List<String> out = new ArrayList<>();
        for (String arg : given) {
            for (String opt : split(arg)) {
                if (opt.isEmpty()) {
                    continue;
                }
                int eq = opt.indexOf('=');
                String name = eq < 0 ? opt : opt.substring(0, eq);
                Known k = find(name).orElseThrow(() -> new CliException("-o " + opt + ": unknown FUSE option"
                        + (name.equals("ro") ? " (use --ro, which also protects the image)" : " (see --fuse-help)")));
                if (k.value() != null && (eq < 0 || eq == opt.length() - 1)) {
                    throw new CliException("-o " + opt + ": needs a value (" + k.usage() + ")");
                }
                if (k.value() == null && eq >= 0) {
                    throw new CliException("-o " + opt + ": takes no value");
                }
                out.add(opt);
            }
        }
        return out;
    }

    static Optional<Known> find(String name) {
        return SUPPORTED.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    static void printHelp(PrintWriter out) {
        out.println("FUSE options (-o OPTION[,OPTION...], repeatable; passed to libfuse 2):");
        int width = SUPPORTED.stream().mapToInt(k -> k.usage().length()).max().orElse(0);
        for (Known k : SUPPORTED) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", k.usage(), k.help());
        }
        out.flush();
    }

    private static List<String> split(String arg) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\' && i + 1 < arg.length() && arg.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (c == ',') {
                parts.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString().strip());
        return parts;
    }
}
