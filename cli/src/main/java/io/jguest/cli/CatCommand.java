package io.jguest.cli;

import io.jguest.api.OpenFlags;
import io.jguest.appliance.Guest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jguest cat}: the contents of files in a guest filesystem, mounted read-only. */
@Command(name = "cat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print files from a filesystem in disk images (read-only).")
final class CatCommand extends MountedCommand {
    /** Bytes per read call: the protocol carries at least 1 MiB per request. */
    static final int CHUNK = 1 << 20;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Guest file(s) to print.")
    List<String> paths;

    CatCommand(Cli cli) {
        super(cli);
    }

    @Override
    void run(Guest guest) throws IOException {
        OutputStream raw = cli.terminal().raw();
        cli.terminal().out().flush();
        for (String path : paths) {
            long handle = guest.open(path, OpenFlags.O_RDONLY, 0);
            try {
                long offset = 0;
                while (true) {
                    byte[] chunk = guest.pread(handle, offset, CHUNK);
                    if (chunk.length == 0) {
                        break;
                    }
                    raw.write(chunk);
                    offset += chunk.length;
                }
            } finally {
                guest.release(handle);
            }
        }
        raw.flush();
    }
}
