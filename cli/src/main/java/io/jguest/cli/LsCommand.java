package io.jguest.cli;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.appliance.Guest;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jguest ls}: the entries of a directory in a guest filesystem, mounted read-only. */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List a directory of a filesystem in disk images (read-only).")
final class LsCommand extends MountedCommand {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = {"-l", "--long"}, description = "Long listing: mode, links, owner, size, mtime (UTC), name.")
    boolean longListing;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = "/",
            description = "Guest directory (default /).")
    String path;

    LsCommand(Cli cli) {
        super(cli);
    }

    @Override
    void run(Guest guest) throws GuestFsException {
        PrintWriter out = cli.terminal().out();
        List<DirEntry> entries = (longListing ? guest.readdirPlus(path) : guest.readdir(path)).stream()
                .sorted(Comparator.comparing(DirEntry::name)).toList();
        if (!longListing) {
            entries.forEach(e -> out.println(e.name()));
            return;
        }
        Table table = new Table("MODE", "LINKS", "UID", "GID", "SIZE", "MTIME", "NAME");
        for (DirEntry e : entries) {
            FileAttributes a = e.attributes();
            String name = e.name();
            if (a != null && a.type() == FileType.SYMLINK) {
                name += " -> " + readlinkOrError(guest, child(path, e.name()));
            }
            if (a == null) {
                table.row("?", "?", "?", "?", "?", "?", name);
            } else {
                table.row(modeString(a.mode()), a.nlink(), a.uid(), a.gid(), a.size(),
                        TIME.format(Instant.ofEpochSecond(a.mtime().sec())), name);
            }
        }
        table.print(out);
    }

    private static String readlinkOrError(Guest guest, String path) {
        try {
            return guest.readlink(path);
        } catch (GuestFsException e) {
            return "?";
        }
    }

    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** {@code ls -l} style: type letter and rwx bits with setuid, setgid and sticky. */
    static String modeString(int mode) {
        char type = switch (FileType.ofMode(mode)) {
            case DIRECTORY -> 'd';
            case SYMLINK -> 'l';
            case CHAR_DEVICE -> 'c';
            case BLOCK_DEVICE -> 'b';
            case FIFO -> 'p';
            case SOCKET -> 's';
            case REGULAR -> '-';
            case UNKNOWN -> '?';
        };
        StringBuilder sb = new StringBuilder().append(type);
        String rwx = "rwx";
        for (int shift = 6; shift >= 0; shift -= 3) {
            for (int bit = 0; bit < 3; bit++) {
                sb.append((mode >> (shift + 2 - bit) & 1) != 0 ? rwx.charAt(bit) : '-');
            }
        }
        special(sb, mode, 04000, 3, 's');
        special(sb, mode, 02000, 6, 's');
        special(sb, mode, 01000, 9, 't');
        return sb.toString();
    }

    private static void special(StringBuilder sb, int mode, int bit, int index, char letter) {
        if ((mode & bit) != 0) {
            sb.setCharAt(index, sb.charAt(index) == 'x' ? letter : Character.toUpperCase(letter));
        }
    }
}
