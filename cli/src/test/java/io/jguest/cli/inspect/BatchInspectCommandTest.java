package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectionReport;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.cli.Cli;
import io.jguest.cli.CliRun;
import io.jguest.cli.FakeGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guest-inspect --batch} against fake appliances: each image fails alone, a stopped appliance
 * is replaced for the next image, attach and detach pair up, and without hot-plug each image gets its
 * own appliance.
 */
class BatchInspectCommandTest {
    @TempDir
    Path tmp;

    private static CliRun run(Cli.Launcher launcher, String... args) {
        return CliRun.command(BatchInspectCommand.class, launcher, args);
    }

    /**
     * Appliances that hot-plug: {@code linux*} images hold Debian, {@code empty*} cannot be attached,
     * {@code blank*} has no operating system, {@code crash*} stops the appliance during inspection.
     */
    private static final class Appliances implements Cli.Launcher {
        final List<ApplianceConfig> configs = new ArrayList<>();
        final List<FakeGuest> guests = new ArrayList<>();
        final boolean hotPlug;

        Appliances(boolean hotPlug) {
            this.hotPlug = hotPlug;
        }

        @Override
        public io.jguest.appliance.Guest launch(ApplianceConfig config) {
            configs.add(config);
            boolean[] alive = {true};
            Drive[] attached = {config.drives().isEmpty() ? null : config.drives().getFirst()};
            FakeGuest f = new FakeGuest()
                    .on("canHotPlug", a -> hotPlug)
                    .on("isAlive", a -> alive[0])
                    .on("attach", a -> {
                        Drive d = (Drive) a[0];
                        assertTrue(d.readOnly(), "attached read-write: " + d);
                        assertEquals(null, attached[0], "attached twice");
                        if (d.path().getFileName().toString().startsWith("empty")) {
                            throw new ApplianceException.BadDrive(d.path() + ": is empty (0 bytes), not a disk image");
                        }
                        attached[0] = d;
                        return null;
                    })
                    .on("detach", a -> {
                        attached[0] = null;
                        return null;
                    })
                    .on("inspectOs", a -> {
                        String name = attached[0].path().getFileName().toString();
                        if (name.startsWith("crash")) {
                            alive[0] = false;
                            throw new GuestFsException(Errno.EIO, null, "the appliance exited");
                        }
                        return name.startsWith("blank") ? new InspectionReport(List.of(), List.of("blank: nothing"), List.of())
                                : Reports.report(Reports.LINUX);
                    })
                    .on("listFilesystems", a -> Reports.FILESYSTEMS);
            guests.add(f);
            return f.guest();
        }

        long count(FakeGuest g, String call) {
            return g.calls.stream().filter(call::equals).count();
        }
    }

    private static void assumeSavedAppliance() {
        Assumptions.assumeFalse("0".equals(System.getenv(ApplianceConfig.SAVED_ENV)), "JGUEST_SAVED=0");
    }

    @Test
    void eachImageFailsAloneWithOneAppliance() throws Exception {
        assumeSavedAppliance();
        Appliances appliances = new Appliances(true);
        CliRun r = run(appliances, "--batch", "linux1.img", "empty.img", "blank.img", "linux2.img");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, appliances.configs.size(), "one appliance for the batch");
        assertEquals(List.of(), appliances.configs.getFirst().drives());
        FakeGuest g = appliances.guests.getFirst();
        assertEquals(4, appliances.count(g, "attach"), r::toString); // empty.img's was refused
        assertEquals(3, appliances.count(g, "detach"), r::toString);
        assertTrue(g.closed);
        String doc = r.out();
        assertTrue(doc.startsWith("<?xml version=\"1.0\"?>\n<guests>\n  <guest image=\"linux1.img\">\n    <operatingsystems>\n"), doc);
        assertTrue(doc.contains("  <guest image=\"empty.img\" error=\"empty.img: is empty (0 bytes), not a disk image\"/>\n"), doc);
        assertTrue(doc.contains("  <guest image=\"blank.img\" error=\"no operating system was found\"/>\n"), doc);
        assertTrue(doc.contains("  <guest image=\"linux2.img\">\n"), doc);
        assertEquals(2, doc.split("<root>/dev/sda2</root>", -1).length - 1, doc);
        assertEquals(List.of("guest-inspect: empty.img: is empty (0 bytes), not a disk image",
                "guest-inspect: blank.img: warning: blank: nothing",
                "guest-inspect: blank.img: no operating system was found"), r.errLines());
    }

    @Test
    void everyImageInspectedExitsZero() {
        assumeSavedAppliance();
        CliRun r = run(new Appliances(true), "--batch", "linux1.img", "linux2.img", "--json");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("{\n  \"guests\": [\n    {\n      \"image\": \"linux1.img\",\n"), r::toString);
        assertEquals(List.of(), r.errLines());
    }

    @Test
    void aStoppedApplianceIsReplacedForTheNextImage() {
        assumeSavedAppliance();
        Appliances appliances = new Appliances(true);
        CliRun r = run(appliances, "--batch", "linux1.img", "crash.img", "linux2.img");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(2, appliances.configs.size(), r::toString);
        assertTrue(appliances.guests.stream().allMatch(g -> g.closed));
        assertTrue(r.out().contains("  <guest image=\"crash.img\" error=\"the appliance exited"), r::toString);
        assertTrue(r.out().contains("  <guest image=\"linux2.img\">\n"), r::toString);
        assertEquals(1, appliances.count(appliances.guests.get(1), "attach"));
    }

    @Test
    void withoutHotPlugEachImageGetsItsOwnAppliance() {
        Appliances appliances = new Appliances(false);
        CliRun r = run(appliances, "--batch", "linux1.img", "linux2.img");
        assertEquals(0, r.exitCode(), r::toString);
        List<List<Drive>> drives = appliances.configs.stream().map(ApplianceConfig::drives).toList();
        boolean probed = drives.getFirst().isEmpty(); // the saved path was tried first, unless JGUEST_SAVED=0
        List<List<Drive>> perImage = probed ? drives.subList(1, drives.size()) : drives;
        assertEquals(List.of(List.of(new Drive(Path.of("linux1.img"), null, true)),
                List.of(new Drive(Path.of("linux2.img"), null, true))), perImage);
        assertTrue(appliances.guests.stream().allMatch(g -> g.closed));
        assertTrue(appliances.guests.stream().noneMatch(g -> g.calls.contains("attach")));
    }

    @Test
    void batchFileAndArgumentsTogether() throws Exception {
        assumeSavedAppliance();
        Path list = Files.writeString(tmp.resolve("list"), "# two more\nlinux2.img\n\nlinux3.img\n");
        Appliances appliances = new Appliances(true);
        CliRun r = run(appliances, "--batch", "linux1.img", "--batch-file", list.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("linux1.img", "linux2.img", "linux3.img"),
                r.out().lines().filter(l -> l.startsWith("  <guest ")).map(l -> l.replaceAll(".*image=\"([^\"]*)\".*", "$1"))
                        .toList());
    }

    @Test
    void badUsageIsOneLineAndLaunchesNothing() {
        Cli.Launcher never = config -> {
            throw new AssertionError("nothing may be launched");
        };
        CliRun none = run(never, "--batch");
        assertEquals(1, none.exitCode());
        assertEquals(List.of("guest-inspect: no images to inspect: give --batch IMAGE... or --batch-file LIST"),
                none.errLines());
        CliRun format = run(never, "--batch", "a.img", "--format", "iso");
        assertEquals(List.of("guest-inspect: unknown format 'iso' (expected one of qcow2, qed, raw, vdi, vhdx, vmdk, vpc, auto)"),
                format.errLines());
        CliRun missingList = run(never, "--batch-file", tmp.resolve("nope").toString());
        assertEquals(List.of("guest-inspect: " + tmp.resolve("nope") + ": no such file (--batch-file)"), missingList.errLines());
        assertFalse(none.out().contains("<guests"));
    }

    @Test
    void mainChoosesTheBatchCommand() {
        assertTrue(GuestInspectMain.isBatch("--batch", "a.img"));
        assertTrue(GuestInspectMain.isBatch("--json", "--batch-file=list"));
        assertFalse(GuestInspectMain.isBatch("-a", "a.img"));
        assertFalse(GuestInspectMain.isBatch("-a", "--", "--batch"));
    }
}
