/**
 * Operating-system inspection: finds the operating systems on a guest's filesystems, their
 * mountpoints, Windows drive letters and installed applications. The heuristics are Datalog rules
 * ({@code inspection.rules}, a resource beside this package) evaluated by {@link io.jguest.inspection.rules};
 * the facts they need come from the disks' layout (given by the caller) and from built-in predicates
 * that read the mounted filesystems ({@link io.jguest.inspection.detect}, {@link io.jguest.inspection.hive}).
 *
 * <p>{@link io.jguest.inspection.Inspector} is the entry point. It runs inside the appliance (the daemon
 * links this module), on filesystems the daemon has mounted read-only, so untrusted parsing stays in
 * the VM. It works on {@code java.nio.file.Path} roots only, so tests use plain directory trees. It
 * depends on guest-api and the JDK only.
 *
 * <p><b>Input facts</b> (built by {@link io.jguest.inspection.Inspector} from {@link io.jguest.inspection.InspectionInput};
 * absent values are empty strings):
 * <ul>
 *   <li>{@code disk(Disk, Index, TableType, DiskId)}: whole disks in drive order, index "0", "1"...</li>
 *   <li>{@code partition(Dev, Disk, Number, StartBytes, PartUuid, PartLabel)}</li>
 *   <li>{@code filesystem(Dev, Type, Label, Uuid)}: everything blkid found</li>
 *   <li>{@code logical_volume(Dev, Vg, Lv)}</li>
 *   <li>{@code mounted(Dev)}: filesystems mounted for inspection, which the file built-ins can read</li>
 * </ul>
 *
 * <p><b>Conclusions</b> the report is made of (one value per root for the single-valued ones):
 * {@code root(Fs)}, {@code os_type(Fs, T)}, {@code distro(Fs, D)}, {@code product_name(Fs, P)},
 * {@code product_variant(Fs, V)}, {@code version(Fs, Major, Minor)}, {@code arch(Fs, A)},
 * {@code hostname(Fs, H)}, {@code package_format(Fs, F)}, {@code package_management(Fs, M)},
 * {@code build_id(Fs, B)}, {@code windows_systemroot(Fs, P)}, {@code windows_current_control_set(Fs, C)},
 * {@code mountpoint(Fs, Mountpoint, Dev)}, {@code drive_mapping(Fs, Letter, Dev)},
 * {@code application(Fs, Name, DisplayName, Epoch, Version, Release, Arch, Publisher, Url, InstallPath, Description)}.
 */
package io.jguest.inspection;
