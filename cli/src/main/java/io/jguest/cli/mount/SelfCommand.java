package io.jguest.cli.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to start this program again in a new JVM (Java cannot fork): the same java, JVM options and
 * class path as this process, from its command line ({@code /proc/self/cmdline}), up to and
 * including the main class. When this JVM was not started on {@code mainClass} (a test runner), a
 * plain command is built from {@code java.home}, the class path and the flags the scripts use.
 */
final class SelfCommand {
    /** What the scripts pass every JVM (see scripts/lib.sh). */
    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    private SelfCommand() {
    }

    /** The command that runs {@code mainClass} like this JVM does, without program arguments. */
    static List<String> forMain(Class<?> mainClass) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<List<String>> same = info.command().flatMap(cmd -> info.arguments()
                .flatMap(args -> upToMain(cmd, List.of(args), mainClass.getName())));
        return same.orElseGet(() -> plain(mainClass));
    }

    /** {@code command} and {@code args} up to and including {@code mainClass}; empty if it is not there. */
    static Optional<List<String>> upToMain(String command, List<String> args, String mainClass) {
        int i = args.indexOf(mainClass);
        if (i < 0) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        out.add(command);
        out.addAll(args.subList(0, i + 1));
        return Optional.of(out);
    }

    private static List<String> plain(Class<?> mainClass) {
        List<String> out = new ArrayList<>();
        out.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        out.addAll(JVM_FLAGS);
        String daemon = System.getProperty(io.jguest.appliance.ApplianceConfig.DAEMON_CLASSPATH_PROPERTY);
        if (daemon != null) {
            out.add("-D" + io.jguest.appliance.ApplianceConfig.DAEMON_CLASSPATH_PROPERTY + "=" + daemon);
        }
        out.add("-cp");
        out.add(System.getProperty("java.class.path"));
        out.add(mainClass.getName());
        return out;
    }
}
