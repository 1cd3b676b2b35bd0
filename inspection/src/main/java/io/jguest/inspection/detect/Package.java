package io.jguest.inspection.detect;

/**
 * An installed package as a package database records it. Strings are empty when absent.
 *
 * @param name        package name
 * @param epoch       epoch, 0 when none
 * @param version     upstream version
 * @param release     Debian revision, Alpine/pacman release
 * @param arch        architecture
 * @param url         home page
 * @param description summary (one line)
 */
public record Package(String name, int epoch, String version, String release, String arch, String url,
                      String description) {
}
