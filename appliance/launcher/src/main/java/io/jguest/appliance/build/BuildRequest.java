package io.jguest.appliance.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ApplianceBuilder} needs to know.
 *
 * @param cacheDir        where appliances are cached ({@code appliance-<key>/}, {@code lock}, {@code tmp-*})
 * @param daemonClasspath the daemon's jars, copied to {@code /opt/jguest/lib/} in the guest
 * @param jdkHome         the JDK whose {@code bin/jlink} makes the guest JRE; null means the
 *                        {@code java.home} of this JVM
 */
public record BuildRequest(Path cacheDir, List<Path> daemonClasspath, Path jdkHome) {
    public BuildRequest {
        Objects.requireNonNull(cacheDir, "cacheDir");
        daemonClasspath = List.copyOf(daemonClasspath);
        if (jdkHome == null) {
            jdkHome = Path.of(System.getProperty("java.home"));
        }
    }

    /** A request that links the guest JRE from this JVM's own runtime. */
    public BuildRequest(Path cacheDir, List<Path> daemonClasspath) {
        this(cacheDir, daemonClasspath, null);
    }
}
