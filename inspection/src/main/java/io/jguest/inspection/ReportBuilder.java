package io.jguest.inspection;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.Explanation;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import io.jguest.inspection.rules.Fact;
import io.jguest.inspection.rules.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the conclusions of one evaluation into an {@link InspectionReport}. */
final class ReportBuilder {
    /** The conclusions explained (every one but application). */
    static final List<String> EXPLAINED = List.of("root", "os_type", "distro", "product_name", "product_variant",
            "version", "arch", "hostname", "package_format", "package_management", "build_id", "windows_systemroot",
            "windows_current_control_set", "mountpoint", "drive_mapping");

    /** Device names in a natural order: {@code /dev/sda2} before {@code /dev/sda10}. */
    static final Comparator<String> DEVICE_ORDER = Comparator.comparing((String d) -> split(d).prefix)
            .thenComparingLong(d -> split(d).number).thenComparing(Comparator.naturalOrder());
    /** Mountpoints in mount order: {@code /} first, then shorter before longer. */
    static final Comparator<OsMountpoint> MOUNT_ORDER = Comparator
            .comparing((OsMountpoint m) -> !m.mountpoint().equals("/"))
            .thenComparingInt(m -> m.mountpoint().length())
            .thenComparing(OsMountpoint::mountpoint);

    private static final Pattern TRAILING_NUMBER = Pattern.compile("^(.*?)(\\d{1,18})$");

    private final Model model;
    private final List<String> warnings;

    ReportBuilder(Model model, List<String> warnings) {
        this.model = model;
        this.warnings = new ArrayList<>(warnings);
    }

    InspectionReport build(boolean explain) {
        List<String> roots = model.facts("root").stream().map(f -> f.args().get(0)).distinct().sorted(DEVICE_ORDER).toList();
        List<InspectedOs> oses = new ArrayList<>();
        for (String root : roots) {
            oses.add(inspectedOs(root));
        }
        List<Explanation> explanations = new ArrayList<>();
        if (explain) {
            for (String predicate : EXPLAINED) {
                for (Fact f : model.facts(predicate)) {
                    model.explain(f).ifPresent(d -> explanations.add(new Explanation(f.toString(), d.render())));
                }
            }
        }
        return new InspectionReport(oses, warnings, explanations);
    }

    private InspectedOs inspectedOs(String root) {
        List<String> version = single(root, "version", 2).orElse(List.of("0", "0"));
        return new InspectedOs(root,
                value(root, "os_type").orElse("unknown"),
                value(root, "distro").orElse(null),
                value(root, "product_name").orElse(null),
                value(root, "product_variant").orElse(null),
                number(root, "major version", version.get(0)),
                number(root, "minor version", version.get(1)),
                value(root, "arch").orElse(null),
                value(root, "hostname").orElse(null),
                value(root, "package_format").orElse(null),
                value(root, "package_management").orElse(null),
                value(root, "build_id").orElse(null),
                value(root, "windows_systemroot").orElse(null),
                value(root, "windows_current_control_set").orElse(null),
                mountpoints(root), driveMappings(root), applications(root));
    }

    private Optional<String> value(String root, String predicate) {
        return single(root, predicate, 1).map(v -> v.get(0));
    }

    /** The first value of a single-valued conclusion; a warning when the rules gave several. */
    private Optional<List<String>> single(String root, String predicate, int width) {
        Set<List<String>> values = new LinkedHashSet<>();
        for (Fact f : model.facts(predicate)) {
            if (f.args().get(0).equals(root)) {
                values.add(f.args().subList(1, 1 + width));
            }
        }
        if (values.size() > 1) {
            warnings.add(root + ": " + predicate + " has several values " + values + ", the first kept");
        }
        return values.stream().findFirst();
    }

    private int number(String root, String what, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            warnings.add(root + ": " + what + " '" + text + "' is not a number, 0 kept");
            return 0;
        }
    }

    private List<OsMountpoint> mountpoints(String root) {
        Map<String, String> byMountpoint = firstPerKey(root, "mountpoint");
        List<OsMountpoint> out = new ArrayList<>();
        byMountpoint.forEach((mp, dev) -> out.add(new OsMountpoint(mp, dev)));
        out.sort(MOUNT_ORDER);
        return out;
    }

    private List<DriveMapping> driveMappings(String root) {
        Map<String, String> byLetter = firstPerKey(root, "drive_mapping");
        List<DriveMapping> out = new ArrayList<>();
        byLetter.forEach((letter, dev) -> out.add(new DriveMapping(letter, dev)));
        out.sort(Comparator.comparing(DriveMapping::letter));
        return out;
    }

    /** {@code predicate(root, Key, Value)} as a map, the first value of each key kept (with a warning). */
    private Map<String, String> firstPerKey(String root, String predicate) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Fact f : model.facts(predicate)) {
            if (!f.args().get(0).equals(root)) {
                continue;
            }
            String key = f.args().get(1);
            String value = f.args().get(2);
            String kept = out.putIfAbsent(key, value);
            if (kept != null && !kept.equals(value)) {
                warnings.add(root + ": " + predicate + " " + key + " is both " + kept + " and " + value + ", " + kept + " kept");
            }
        }
        return out;
    }

    private List<Application> applications(String root) {
        List<Application> apps = new ArrayList<>();
        for (Fact f : model.facts("application")) {
            List<String> a = f.args();
            if (!a.get(0).equals(root)) {
                continue;
            }
            int epoch;
            try {
                epoch = Integer.parseInt(a.get(3));
            } catch (NumberFormatException e) {
                continue;
            }
            apps.add(new Application(a.get(1), a.get(2), epoch, a.get(4), a.get(5), a.get(6), a.get(7), a.get(8), a.get(9),
                    a.get(10)));
        }
        apps.sort(Comparator.comparing(Application::name).thenComparing(Application::version)
                .thenComparing(Application::arch).thenComparing(Application::displayName));
        return apps;
    }

    private record Split(String prefix, long number) {
    }

    private static Split split(String device) {
        Matcher m = TRAILING_NUMBER.matcher(device);
        return m.matches() ? new Split(m.group(1), Long.parseLong(m.group(2))) : new Split(device, -1);
    }
}
