package io.jguest.cli.inspect;

import io.jguest.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code --batch-file}: one image path per line; blank lines and lines whose first non-blank
 * character is {@code #} are skipped; leading and trailing blanks of a path are dropped (a path with
 * such blanks cannot be listed); a relative path is relative to the current directory, as on the
 * command line.
 */
final class BatchList {
    private BatchList() {
    }

    /** The paths listed in {@code text}, in order. */
    static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            String path = line.strip();
            if (!path.isEmpty() && !path.startsWith("#")) {
                out.add(path);
            }
        }
        return out;
    }

    /**
     * The paths listed in {@code file}.
     *
     * @throws CliException the file cannot be read, naming it
     */
    static List<String> read(Path file) throws CliException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(file + ": no such file (--batch-file)");
        } catch (IOException e) {
            throw new CliException(file + ": cannot read the batch file: " + e.getMessage());
        }
    }
}
