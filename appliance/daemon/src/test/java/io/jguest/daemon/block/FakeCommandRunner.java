package io.jguest.daemon.block;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link CommandRunner} that runs nothing: answers are keyed by the argv joined with spaces (first
 * key that is a prefix wins), unknown commands succeed silently, and every call is recorded.
 */
public final class FakeCommandRunner implements CommandRunner {
    private final Map<String, CommandResult> answers = new LinkedHashMap<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final Set<String> programs;

    public FakeCommandRunner(String... programs) {
        this.programs = Set.of(programs);
    }

    public FakeCommandRunner answer(String argvPrefix, int exit, String stdout, String stderr) {
        answers.put(argvPrefix, new CommandResult(exit, stdout, stderr));
        return this;
    }

    public synchronized List<List<String>> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) throws GuestFsException {
        calls.add(List.copyOf(argv));
        if (!programs.contains(argv.getFirst())) {
            throw new GuestFsException(Errno.ENOENT, argv.getFirst(), "program not found");
        }
        String line = String.join(" ", argv);
        for (Map.Entry<String, CommandResult> e : answers.entrySet()) {
            if (line.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return new CommandResult(0, "", "");
    }

    @Override
    public Path find(String program) {
        return programs.contains(program) ? Path.of("/usr/sbin", program) : null;
    }
}
