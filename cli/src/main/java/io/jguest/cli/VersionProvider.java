package io.jguest.cli;

import picocli.CommandLine;

/**
 * {@code -V}: the program name ({@code jguest}, {@code guestmount}...) and the version from the jar
 * manifest ({@code dev} when run from classes).
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        String program = spec == null ? "jguest" : spec.root().name();
        String name = program.equals("jguest") ? program : program + " (jguest)";
        return new String[] {name + " " + (v == null ? "dev" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }
}
