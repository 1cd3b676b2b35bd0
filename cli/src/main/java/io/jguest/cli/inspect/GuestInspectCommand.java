package io.jguest.cli.inspect;

import io.jguest.api.Filesystem;
import io.jguest.api.InspectionReport;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.CommonOptions;
import io.jguest.cli.DiskOptions;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.VersionProvider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code guest-inspect}: what operating systems the disks of one guest hold, in virt-inspector's XML
 * (or JSON). Launches the appliance with every image read-only, asks it to inspect, lists the
 * filesystems (for their type, label and UUID), shuts it down, then prints. Inspection's warnings go to
 * stderr, one {@code guest-inspect: warning: ...} line each, whatever the outcome.
 */
@Command(name = "guest-inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Find the operating systems on virtual machine disk images and print what they are, in"
                + " virt-inspector's XML. Several -a are the disks of one guest. The images are never modified:"
                + " they are attached read-only and only read inside a small qemu appliance.", ""},
        footer = {"", "Examples:",
            "  guest-inspect -a disk.img",
            "  guest-inspect -a win-c.qcow2 -a win-d.qcow2 --json",
            "  guest-inspect -a disk.img --explain",
            "  guest-inspect --batch vm1.img vm2.img   (each image a separate guest; see guest-inspect --batch --help)",
            "", "Exit status: 0 when at least one operating system was found, 1 when none was or on any error."})
final class GuestInspectCommand implements Callable<Integer> {
    private final Cli cli;

    @Mixin
    DiskOptions disks;

    @Option(names = "--json", description = "Print JSON (the same content as the XML) instead of XML.")
    boolean json;

    @Option(names = "--explain",
            description = "After the document, print how the inspection rules derived each conclusion, per root.")
    boolean explain;

    @Mixin
    CommonOptions common;

    GuestInspectCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        List<Drive> drives = disks.drives(true);
        InspectionReport report;
        List<Filesystem> filesystems;
        try (Guest guest = cli.launch(cli.configFor(drives).build())) {
            report = guest.inspectOs(explain);
            filesystems = guest.listFilesystems();
        }
        PrintWriter err = cli.terminal().err();
        report.warnings().forEach(w -> err.println("guest-inspect: warning: " + w));
        err.flush();
        if (report.roots().isEmpty()) {
            throw new CliException("no operating system was found on "
                    + drives.stream().map(d -> d.path().toString()).collect(Collectors.joining(", ")));
        }
        List<OsView> oses = OsView.of(report, filesystems);
        PrintWriter out = cli.terminal().out();
        out.print(json ? InspectionJson.write(oses) : InspectionXml.write(oses));
        if (explain) {
            out.print(ExplanationPrinter.render(report));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
