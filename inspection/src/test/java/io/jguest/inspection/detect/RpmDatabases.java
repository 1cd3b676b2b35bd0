package io.jguest.inspection.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Test fixtures: the SQLite databases next to this class (see generate-sqlite.sh there) and what
 * rpm's database of the phony Fedora 38 guest holds.
 */
public final class RpmDatabases {
    /** The packages of {@code rpmdb.sqlite.gz} (scripts/phony/linux-lvm/make-rpmdb), in row order. */
    public static final List<Package> FEDORA_38 = List.of(
            new Package("kernel-core", 0, "6.2.9", "300.fc38", "x86_64", "https://www.kernel.org/", "The Linux kernel"),
            new Package("bash", 0, "5.2.15", "3.fc38", "x86_64", "https://www.gnu.org/software/bash", "The GNU Bourne Again shell"),
            new Package("NetworkManager", 1, "1.42.0", "1.fc38", "x86_64", "https://networkmanager.dev/",
                    "Network connection manager and user applications"),
            new Package("fedora-release-common", 0, "38", "36", "noarch", "https://fedoraproject.org/", "Fedora release files"),
            new Package("dnf", 0, "4.14.0", "1.fc38", "noarch", "https://github.com/rpm-software-management/dnf", "Package manager"));

    private RpmDatabases() {
    }

    /** A resource next to this class; a {@code .gz} one is decompressed. */
    public static byte[] resource(String name) {
        try (InputStream raw = Objects.requireNonNull(RpmDatabases.class.getResourceAsStream(name), name);
                InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** rpm's sqlite database of the phony Fedora 38 guest. */
    public static byte[] fedora38() {
        return resource("rpmdb.sqlite.gz");
    }
}
