package io.jguest.cli.inspect;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One operating system's entry as virt-inspector (libguestfs 1.48) shows it: which values appear, in
 * which order, sorted how. Both renderings ({@link InspectionXml}, {@link InspectionJson}) walk this,
 * so they always carry the same content.
 *
 * <p>virt-inspector's rules, kept here: unknown values (null, empty or {@code unknown}) are left out,
 * except {@code major_version}/{@code minor_version}, always shown (0 when unknown); mountpoints are
 * sorted shortest first, then by name, and a root without any shows {@code /} on itself (as
 * {@code inspect_get_mountpoints} does); filesystems are the root and every mounted device, sorted by
 * device, each with the type, label and UUID blkid found (empty ones left out); drive mappings are
 * sorted by letter and left out altogether when there are none; an application shows only its
 * non-empty fields, and its epoch only when not 0.
 *
 * <p>{@code osinfo}, libosinfo's short id, is derived here from the other values ({@link Osinfo}).
 * Not shown, unlike virt-inspector: {@code icon}. {@code build_id} is not shown either, as virt-inspector
 * 1.48 does not. An {@link Application}'s {@code description} is libguestfs's {@code summary} for
 * Linux packages (the one-line summary) and its {@code description} for Windows programs (the
 * {@code Comments} value), so it is shown under that name.
 *
 * @param fields       the single values, in virt-inspector's order ({@code root} first)
 * @param mountpoints  sorted as described
 * @param filesystems  sorted by device
 * @param driveMappings sorted by letter, case-insensitively
 * @param applications each application's fields, in virt-inspector's order
 */
record OsView(List<Field> fields, List<OsMountpoint> mountpoints, List<Filesystem> filesystems,
              List<DriveMapping> driveMappings, List<List<Field>> applications) {

    /** A named value; {@code number} ones are written without quotes in JSON. */
    record Field(String name, String value, boolean number) {
        static Field text(String name, String value) {
            return new Field(name, value, false);
        }

        static Field number(String name, long value) {
            return new Field(name, Long.toString(value), true);
        }
    }

    /** Mountpoints as virt-inspector sorts them: shortest first, then by name. */
    static final Comparator<OsMountpoint> MOUNTPOINT_ORDER =
            Comparator.comparingInt((OsMountpoint m) -> m.mountpoint().length()).thenComparing(OsMountpoint::mountpoint);

    OsView {
        fields = List.copyOf(fields);
        mountpoints = List.copyOf(mountpoints);
        filesystems = List.copyOf(filesystems);
        driveMappings = List.copyOf(driveMappings);
        applications = applications.stream().map(List::copyOf).toList();
    }

    /** Every root of {@code report}, in its order; {@code known} is what listFilesystems returned. */
    static List<OsView> of(InspectionReport report, List<Filesystem> known) {
        Map<String, Filesystem> byDevice = known.stream()
                .collect(Collectors.toMap(Filesystem::device, Function.identity(), (a, b) -> a));
        return report.roots().stream().map(os -> of(os, byDevice)).toList();
    }

    static OsView of(InspectedOs os, Map<String, Filesystem> known) {
        List<Field> fields = new ArrayList<>();
        fields.add(Field.text("root", os.root()));
        optional(fields, "name", os.type());
        optional(fields, "arch", os.arch());
        optional(fields, "distro", os.distro());
        optional(fields, "product_name", os.productName());
        optional(fields, "product_variant", os.productVariant());
        fields.add(Field.number("major_version", os.majorVersion()));
        fields.add(Field.number("minor_version", os.minorVersion()));
        optional(fields, "package_format", os.packageFormat());
        optional(fields, "package_management", os.packageManagement());
        optional(fields, "windows_systemroot", os.windowsSystemroot());
        optional(fields, "windows_current_control_set", os.windowsCurrentControlSet());
        optional(fields, "hostname", os.hostname());
        optional(fields, "osinfo", Osinfo.of(os));

        List<OsMountpoint> mountpoints = os.mountpoints().isEmpty()
                ? List.of(new OsMountpoint("/", os.root()))
                : os.mountpoints().stream().sorted(MOUNTPOINT_ORDER).toList();

        Set<String> devices = new LinkedHashSet<>();
        devices.add(os.root());
        mountpoints.forEach(m -> devices.add(m.device()));
        List<Filesystem> filesystems = devices.stream().sorted()
                .map(d -> known.getOrDefault(d, new Filesystem(d, "", "", "")))
                .map(f -> new Filesystem(f.device(), orEmpty(f.type()), orEmpty(f.label()), orEmpty(f.uuid())))
                .toList();

        List<DriveMapping> drives = os.driveMappings().stream()
                .sorted(Comparator.comparing(DriveMapping::letter, String.CASE_INSENSITIVE_ORDER))
                .toList();

        boolean windows = "windows".equals(os.type());
        List<List<Field>> apps = os.applications().stream().map(a -> application(a, windows)).toList();
        return new OsView(fields, mountpoints, filesystems, drives, apps);
    }

    private static List<Field> application(Application a, boolean windows) {
        List<Field> f = new ArrayList<>();
        f.add(Field.text("name", a.name() == null ? "" : a.name()));
        nonEmpty(f, "display_name", a.displayName());
        if (a.epoch() != 0) {
            f.add(Field.number("epoch", a.epoch()));
        }
        nonEmpty(f, "version", a.version());
        nonEmpty(f, "release", a.release());
        nonEmpty(f, "arch", a.arch());
        nonEmpty(f, "install_path", a.installPath());
        nonEmpty(f, "publisher", a.publisher());
        nonEmpty(f, "url", a.url());
        nonEmpty(f, windows ? "description" : "summary", a.description());
        return f;
    }

    /** Application fields: virt-inspector leaves out only empty ones ("unknown" may be a real version). */
    private static void nonEmpty(List<Field> fields, String name, String value) {
        if (value != null && !value.isEmpty()) {
            fields.add(Field.text(name, value));
        }
    }

    private static void optional(List<Field> fields, String name, String value) {
        if (known(value)) {
            fields.add(Field.text(name, value));
        }
    }

    /** False for what virt-inspector leaves out: null, empty, {@code unknown}. */
    static boolean known(String value) {
        return value != null && !value.isEmpty() && !value.equals("unknown");
    }

    private static String orEmpty(String value) {
        return known(value) ? value : "";
    }
}
