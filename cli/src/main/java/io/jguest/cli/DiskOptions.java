package io.jguest.cli;

import io.jguest.appliance.Drive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code -a IMG}, {@code --format[=FMT]}, {@code -r}/{@code --ro}, as in guestfish: {@code --format} applies to
 * the {@code -a} options that follow it ({@code --format auto} goes back to detection); a
 * {@code --format} after the last {@code -a} applies to every drive that has none.
 */
public final class DiskOptions {
    private final List<DriveSpec> drives = new ArrayList<>();
    private String currentFormat;
    private String trailingFormat;

    @Option(names = {"-r", "--ro"}, description = "Never modify the images: attach them read-only (and mount read-only).")
    boolean readOnly;

    /** One {@code -a} with the format in force when it was given (null: detect). */
    public record DriveSpec(Path path, String format) {
    }

    @Option(names = {"-a", "--add"}, paramLabel = "IMG", required = true,
            description = "Disk image to attach (repeatable): /dev/sda, /dev/sdb... in order.")
    void add(Path image) {
        drives.add(new DriveSpec(image, currentFormat));
        trailingFormat = null;
    }

    @Option(names = "--format", paramLabel = "FMT", arity = "0..1", fallbackValue = "auto",
            description = "Format of the images that follow: raw, qcow2, vmdk, vdi, vhdx, vpc, qed, or auto (detect;"
                    + " also --format alone).")
    void format(String format) {
        String f = format.trim().toLowerCase(Locale.ROOT);
        currentFormat = f.equals("auto") ? null : f;
        trailingFormat = currentFormat;
    }

    /**
     * The drives to attach.
     *
     * @param forceReadOnly attach read-only whatever {@code --ro} says (commands that never write)
     * @throws CliException an unknown format, naming the image it was given for
     */
    public List<Drive> drives(boolean forceReadOnly) throws CliException {
        boolean ro = readOnly || forceReadOnly;
        List<Drive> out = new ArrayList<>();
        for (DriveSpec d : drives) {
            String fmt = d.format() != null ? d.format() : trailingFormat;
            if (fmt != null && !Drive.FORMATS.contains(fmt)) {
                throw new CliException(d.path() + ": unknown format '" + fmt + "' (expected one of "
                        + String.join(", ", Drive.FORMATS.stream().sorted().toList()) + ", auto)");
            }
            out.add(new Drive(d.path(), fmt, ro));
        }
        return out;
    }

    /** {@code -r}/{@code --ro} was given. */
    public boolean readOnly() {
        return readOnly;
    }

    public List<DriveSpec> specs() {
        return List.copyOf(drives);
    }
}
