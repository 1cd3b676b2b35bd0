package io.jguest.api;

/**
 * An installed package (Linux) or program (Windows {@code Uninstall} key), as libguestfs's
 * {@code inspect_list_applications2} reports it. Strings are empty when unknown, never null.
 *
 * @param name        package name, or the Windows {@code Uninstall} key name
 * @param displayName human-readable name (Windows {@code DisplayName}), else empty
 * @param epoch       package epoch, 0 when none
 * @param version     version (upstream part for deb/rpm)
 * @param release     release (Debian revision, rpm release), else empty
 * @param arch        package architecture, else empty
 * @param publisher   Windows {@code Publisher}, else empty
 * @param url         home page: Windows {@code URLInfoAbout}, dpkg {@code Homepage}, rpm/apk/pacman URL, else empty
 * @param installPath Windows {@code InstallLocation}, else empty
 * @param description one-line summary (package databases) or Windows {@code Comments}, else empty
 */
public record Application(String name, String displayName, int epoch, String version, String release, String arch,
                          String publisher, String url, String installPath, String description) {
}
