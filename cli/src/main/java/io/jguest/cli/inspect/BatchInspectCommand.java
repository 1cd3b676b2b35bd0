package io.jguest.cli.inspect;

import io.jguest.api.Filesystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectionReport;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.CommonOptions;
import io.jguest.cli.ErrorHandler;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.VersionProvider;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code guest-inspect --batch IMAGE...} / {@code --batch-file LIST}: each image a separate guest,
 * all inspected with one appliance. The appliance is restored from its saved state with no drive;
 * each image is hot-plugged read-only ({@link Guest#attach}: an overlay, the image never changes),
 * inspected, then removed ({@link Guest#detach}) before the next, so each is {@code /dev/sda} as with
 * a single-image {@code guest-inspect}. An image that cannot be attached or inspected fails alone; an
 * appliance that stops is relaunched for the next image. A cold-booted appliance cannot hot-plug (no
 * QMP): then ({@code JGUEST_SAVED=0}, or a saved state that could not be used) each image gets its own
 * appliance: slower, same output.
 *
 * <p>Prints one document ({@link InspectionXml#writeBatch}, {@link InspectionJson#writeBatch}); each
 * failure and warning also goes to stderr as one line. An image with no operating system is a failure
 * ("no operating system was found"), as with one image. Exit 0 when every image was inspected, 1 when
 * any failed.
 */
@Command(name = "guest-inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Inspect many guests, one image each, with one appliance: print one document with a"
                + " <guest image=\"PATH\"> per image (or an error attribute for an image that failed). The images"
                + " are never modified.", ""},
        footer = {"", "Examples:",
            "  guest-inspect --batch vm1.img vm2.qcow2 vm3.img",
            "  guest-inspect --batch-file images.txt --json",
            "", "Exit status: 0 when every image was inspected (an operating system found on each), 1 when any failed."})
final class BatchInspectCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BatchInspectCommand.class);
    static final String NO_OS = "no operating system was found";

    private final Cli cli;

    @Option(names = "--batch", description = "Each IMAGE is a separate guest.")
    boolean batch;

    @Option(names = "--batch-file", paramLabel = "LIST",
            description = "Read image paths from LIST, one per line (blank lines and # comments skipped).")
    Path batchFile;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Disk images, each a separate guest (with --batch).")
    List<String> images = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FMT",
            description = "Format of every image: raw, qcow2, vmdk, vdi, vhdx, vpc, qed, or auto (detect, the default).")
    String format;

    @Option(names = "--json", description = "Print JSON (the same content as the XML) instead of XML.")
    boolean json;

    @Mixin
    CommonOptions common;

    /** The appliance images are hot-plugged into, or null (none yet, or it was dropped). */
    private Guest guest;
    /** Hot-plug is not available: one appliance per image from now on. */
    private boolean perImage;

    BatchInspectCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (!batch && !images.isEmpty()) {
            throw new CliException("image arguments need --batch (or use -a IMAGE for the disks of one guest)");
        }
        List<String> all = new ArrayList<>(images);
        if (batchFile != null) {
            all.addAll(BatchList.read(batchFile));
        }
        if (all.isEmpty()) {
            throw new CliException("no images to inspect: give --batch IMAGE... or --batch-file LIST");
        }
        String fmt = format == null ? null : format.strip().toLowerCase(Locale.ROOT);
        if ("auto".equals(fmt)) {
            fmt = null;
        }
        if (fmt != null && !Drive.FORMATS.contains(fmt)) {
            throw new CliException("unknown format '" + format + "' (expected one of "
                    + String.join(", ", Drive.FORMATS.stream().sorted().toList()) + ", auto)");
        }
        List<BatchResult> results = new ArrayList<>();
        PrintWriter err = cli.terminal().err();
        try {
            for (String image : all) {
                BatchResult r = inspect(image, fmt);
                results.add(r);
                r.warnings().forEach(w -> err.println("guest-inspect: " + image + ": warning: " + w));
                if (r.failed()) {
                    err.println("guest-inspect: " + (r.error().startsWith(image) ? "" : image + ": ") + r.error());
                }
                err.flush();
            }
        } finally {
            dropGuest();
        }
        PrintWriter out = cli.terminal().out();
        out.print(json ? InspectionJson.writeBatch(results) : InspectionXml.writeBatch(results));
        out.flush();
        return results.stream().anyMatch(BatchResult::failed) ? ExitCodes.ERROR : ExitCodes.OK;
    }

    /** One image: its result, whatever happens (the appliance is dropped when it may be unusable). */
    private BatchResult inspect(String image, String fmt) {
        Drive drive;
        try {
            drive = new Drive(Path.of(image), fmt, true);
        } catch (InvalidPathException e) {
            return BatchResult.failed(image, image + ": not a valid path: " + e.getReason(), List.of());
        }
        try {
            Guest g = appliance();
            if (g == null) {
                try (Guest own = cli.launch(cli.configFor(List.of(drive)).build())) {
                    return result(image, own.inspectOs(false), own.listFilesystems());
                }
            }
            g.attach(drive);
            InspectionReport report;
            List<Filesystem> filesystems;
            try {
                report = g.inspectOs(false);
                filesystems = g.listFilesystems();
            } catch (GuestFsException | RuntimeException e) {
                dropGuest(); // it may hold the disk: a new appliance for the next image
                throw e;
            }
            try {
                g.detach();
            } catch (ApplianceException e) {
                log.debug("detaching {}: {}", image, e.getMessage());
                cli.terminal().err().println("guest-inspect: warning: " + ErrorHandler.message(e)
                        + " (a new appliance for the next image)");
                dropGuest();
            }
            return result(image, report, filesystems);
        } catch (ApplianceException.BadDrive e) {
            return BatchResult.failed(image, ErrorHandler.message(e), List.of()); // nothing was attached
        } catch (ApplianceException | GuestFsException | RuntimeException e) {
            if (guest != null && !guest.isAlive()) {
                cli.terminal().err().println("guest-inspect: warning: the appliance stopped while inspecting " + image
                        + ": a new one for the next image");
            }
            dropGuest();
            return BatchResult.failed(image, ErrorHandler.message(e), List.of());
        }
    }

    private static BatchResult result(String image, InspectionReport report, List<Filesystem> filesystems) {
        if (report.roots().isEmpty()) {
            return BatchResult.failed(image, NO_OS, report.warnings());
        }
        return BatchResult.inspected(image, OsView.of(report, filesystems), report.warnings());
    }

    /**
     * The appliance to hot-plug into, launched when there is none (or the last one stopped); null when
     * each image needs its own (no saved state: no QMP, no hot-plug).
     */
    private Guest appliance() throws ApplianceException {
        if (perImage) {
            return null;
        }
        if (guest != null && !guest.isAlive()) {
            cli.terminal().err().println("guest-inspect: warning: the appliance stopped: launching a new one");
            dropGuest();
        }
        if (guest == null) {
            ApplianceConfig cfg = cli.configFor(List.of()).build();
            if (!cfg.savedState()) {
                log.debug("no saved appliance (JGUEST_SAVED=0): one appliance per image");
                perImage = true;
                return null;
            }
            Guest g = cli.launch(cfg);
            if (!g.canHotPlug()) {
                log.debug("the appliance booted cold (no hot-plug): one appliance per image");
                g.close();
                perImage = true;
                return null;
            }
            guest = g;
        }
        return guest;
    }

    private void dropGuest() {
        if (guest != null) {
            guest.close();
            guest = null;
        }
    }
}
