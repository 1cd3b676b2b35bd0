package io.jguest.inspection.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parsers of the package databases libguestfs reads ({@code inspect_list_applications2}): dpkg's
 * {@code status}, apk's {@code installed}, pacman's {@code local/NAME/desc} and rpm's sqlite
 * database ({@code rpmdb.sqlite}, through {@link SqliteFile} and {@link RpmHeader}). rpm's older
 * Berkeley DB ({@code Packages}) and openSUSE's ndb ({@code Packages.db}) are not read.
 */
public final class PackageDatabases {
    private PackageDatabases() {
    }

    /**
     * {@code /var/lib/dpkg/status}, fed line by line (so a large file is never held). A stanza ends
     * at an empty line or at the end; packages whose Status's last word is not {@code installed} are
     * left out (so {@code half-installed} and {@code config-files} are), as are those without
     * Package or Version or with a bad epoch. Version {@code [epoch:]upstream[-revision]} is split at
     * the first {@code :} and then at the first {@code -}, as libguestfs splits it.
     */
    public static final class Dpkg {
        private final List<Package> packages = new ArrayList<>();
        private String name;
        private String version;
        private String arch = "";
        private String url = "";
        private String summary = "";
        private boolean installed;

        public void line(String line) {
            if (line.isEmpty()) {
                flush();
            } else if (line.startsWith("Package: ")) {
                name = line.substring(9).strip();
            } else if (line.startsWith("Status: ")) {
                String[] words = line.substring(8).strip().split("\\s+");
                installed = words[words.length - 1].equals("installed");
            } else if (line.startsWith("Version: ")) {
                version = line.substring(9).strip();
            } else if (line.startsWith("Architecture: ")) {
                arch = line.substring(14).strip();
            } else if (line.startsWith("Homepage: ")) {
                url = line.substring(10).strip();
            } else if (line.startsWith("Description: ")) {
                summary = line.substring(13).strip();
            }
        }

        /** The packages seen so far, the last stanza included. */
        public List<Package> finish() {
            flush();
            return List.copyOf(packages);
        }

        private void flush() {
            if (installed && name != null && !name.isEmpty() && version != null) {
                split(version, false).ifPresent(v -> packages.add(new Package(name, Integer.parseInt(v[0]), v[1], v[2], arch, url, summary)));
            }
            name = null;
            version = null;
            arch = "";
            url = "";
            summary = "";
            installed = false;
        }
    }

    /**
     * {@code /lib/apk/db/installed}, fed line by line: {@code P:} name, {@code V:} version,
     * {@code A:} arch, {@code T:} description, {@code U:} url; stanzas end at an empty line. The
     * release loses its leading {@code r} ({@code 1.2-r3} → release {@code 3}).
     */
    public static final class Apk {
        private final List<Package> packages = new ArrayList<>();
        private String name;
        private String version;
        private String arch = "";
        private String url = "";
        private String description = "";

        public void line(String line) {
            if (line.isEmpty()) {
                flush();
                return;
            }
            if (line.length() < 2 || line.charAt(1) != ':') {
                return;
            }
            String value = line.substring(2);
            switch (line.charAt(0)) {
                case 'P' -> name = value;
                case 'V' -> version = value;
                case 'A' -> arch = value;
                case 'T' -> description = value;
                case 'U' -> url = value;
                default -> {
                }
            }
        }

        public List<Package> finish() {
            flush();
            return List.copyOf(packages);
        }

        private void flush() {
            if (name != null && !name.isEmpty() && version != null) {
                split(version, true).ifPresent(v -> packages.add(new Package(name, Integer.parseInt(v[0]), v[1], v[2], arch, url, description)));
            }
            name = null;
            version = null;
            arch = "";
            url = "";
            description = "";
        }
    }

    /**
     * One pacman {@code desc} file: {@code %NAME%}, {@code %VERSION%} ({@code [epoch:]ver-rel}, the
     * release required), {@code %ARCH%} (required), {@code %URL%}, {@code %DESC%}, each followed by
     * its value on the next line.
     */
    public static Optional<Package> pacmanDesc(String text) {
        String name = null;
        String version = null;
        String arch = null;
        String url = "";
        String desc = "";
        String key = null;
        for (String line : Text.lines(text)) {
            if (line.isEmpty()) {
                key = null;
            } else if (key != null) {
                switch (key) {
                    case "%NAME%" -> name = line;
                    case "%VERSION%" -> version = line;
                    case "%ARCH%" -> arch = line;
                    case "%URL%" -> url = line;
                    case "%DESC%" -> desc = line;
                    default -> {
                    }
                }
                key = null;
            } else {
                key = line;
            }
        }
        if (name == null || version == null || arch == null) {
            return Optional.empty();
        }
        Optional<String[]> v = split(version, false);
        if (v.isEmpty() || v.get()[1].isEmpty() || v.get()[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Package(name, Integer.parseInt(v.get()[0]), v.get()[1], v.get()[2], arch, url, desc));
    }

    /**
     * The packages of rpm's sqlite database: the header blob (column 1) of every row of table
     * {@code Packages} ({@code hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL}), in row
     * order. Every header is listed, the {@code gpg-pubkey} pseudo-packages too, as libguestfs lists
     * what librpm's iterator returns. A row that cannot be read goes to {@code bad}
     * ({@code Packages row 7: header without NAME}) and is left out.
     *
     * @throws SqliteException no table {@code Packages}, or damage that ends the scan (the packages
     *                         before it have been delivered)
     */
    public static void rpm(SqliteFile db, Consumer<Package> sink, Consumer<String> bad) throws SqliteException {
        long root = db.tableRoot("Packages").orElseThrow(() -> new SqliteException("no table Packages (not an rpm database)"));
        db.scan(root, new SqliteFile.RowVisitor() {
            @Override
            public void row(long rowid, List<Object> values) {
                if (values.size() < 2 || !(values.get(1) instanceof byte[] blob)) {
                    bad.accept("Packages row " + rowid + ": no header blob");
                    return;
                }
                try {
                    sink.accept(RpmHeader.parse(blob).toPackage());
                } catch (DetectException e) {
                    bad.accept("Packages row " + rowid + ": " + e.getMessage());
                }
            }

            @Override
            public void unreadable(long rowid, String reason) {
                bad.accept("Packages row " + rowid + ": " + reason);
            }
        });
    }

    /** {@code [epoch:]version[-release]} → {epoch, version, release}; empty when the epoch is not a number. */
    static Optional<String[]> split(String full, boolean apkRelease) {
        String epoch = "0";
        String rest = full;
        int colon = full.indexOf(':');
        if (colon >= 0) {
            Optional<String> e = Text.number(full.substring(0, colon));
            if (e.isEmpty()) {
                return Optional.empty();
            }
            epoch = e.get();
            rest = full.substring(colon + 1);
        }
        String release = "";
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            release = rest.substring(dash + 1);
            rest = rest.substring(0, dash);
            if (apkRelease && release.startsWith("r")) {
                release = release.substring(1);
            }
        }
        return Optional.of(new String[] {epoch, rest, release});
    }
}
