package io.jguest.cli;

import picocli.CommandLine;

/** {@code -V}: the version from the jar manifest ({@code dev} when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"jguest " + (v == null ? "dev" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }
}
