package io.jguest.daemon.block;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code blkid} in {@code -o export} form: {@code KEY=value} lines, one block per device (blank
 * line between blocks, each with {@code DEVNAME}). Exit status 2 means "nothing recognised".
 */
final class Blkid {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int NOTHING_FOUND = 2;

    private final CommandRunner runner;

    Blkid(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Low-level probe ({@code -p}: superblocks, partition table, partition entry) of each device.
     * Returns the properties by device; devices blkid found nothing on are absent.
     */
    Map<String, Map<String, String>> probe(List<String> devices) throws GuestFsException {
        return run(devices, "-p", "-o", "export");
    }

    /** Filesystems ({@code TYPE}, {@code LABEL}, {@code UUID}) without the blkid cache. */
    Map<String, Map<String, String>> filesystems(List<String> devices) throws GuestFsException {
        return run(devices, "-c", "/dev/null", "-o", "export");
    }

    private Map<String, Map<String, String>> run(List<String> devices, String... options) throws GuestFsException {
        Map<String, Map<String, String>> byDevice = new LinkedHashMap<>();
        if (devices.isEmpty()) {
            return byDevice;
        }
        List<String> argv = new ArrayList<>(List.of("blkid"));
        argv.addAll(List.of(options));
        argv.addAll(devices);
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded() && result.exitCode() != NOTHING_FOUND && result.stdout().isBlank()) {
            throw new GuestFsException(Errno.EIO, null, "blkid: " + result.errorText());
        }
        for (Map<String, String> block : parseBlocks(result.stdout())) {
            String dev = block.get("DEVNAME");
            if (dev != null) {
                byDevice.put(dev, block);
            } else if (devices.size() == 1) {
                byDevice.put(devices.getFirst(), block);
            }
        }
        return byDevice;
    }

    /** Splits export output into blocks of properties. */
    static List<Map<String, String>> parseBlocks(String output) {
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new LinkedHashMap<>();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                current.put(line.substring(0, eq).strip(), unescape(line.substring(eq + 1)));
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    /** Export output escapes shell-special characters with a backslash. */
    static String unescape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                c = value.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
