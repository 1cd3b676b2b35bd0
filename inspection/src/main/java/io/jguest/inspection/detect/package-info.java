/**
 * The built-in predicates inspection's rules call, and the parsers behind them: files tested and read
 * inside a filesystem's root without ever leaving it (symlinks resolved within the root, bounded
 * sizes and loop counts), os-release and other release files, ELF and PE headers, fstab, package
 * databases, and the Windows registry through {@link io.jguest.inspection.hive}.
 *
 * <ul>
 *   <li>{@link io.jguest.inspection.detect.Builtins}: the predicates (their list and modes are in its
 *       javadoc), small and generic; the decisions are in {@code inspection.rules}.</li>
 *   <li>{@link io.jguest.inspection.detect.Detection}: one inspection's state (mounted filesystems,
 *       warnings, answers computed once), the built-ins' current one while {@code run} evaluates.</li>
 *   <li>{@link io.jguest.inspection.detect.RootedFs}: guest paths resolved component by component
 *       inside a mounted root (40 links at most, case-insensitive for Windows); only regular files
 *       are read, within limits (64 KiB for small files, 64 MiB streamed for package databases,
 *       256 MiB mapped for hives and rpm databases).</li>
 *   <li>Parsers, pure functions with unit tests: {@link io.jguest.inspection.detect.KeyValueFile},
 *       {@link io.jguest.inspection.detect.Text}, {@link io.jguest.inspection.detect.Fstab},
 *       {@link io.jguest.inspection.detect.DeviceNames}, {@link io.jguest.inspection.detect.ElfHeader},
 *       {@link io.jguest.inspection.detect.PeHeader}, {@link io.jguest.inspection.detect.PackageDatabases},
 *       {@link io.jguest.inspection.detect.MountedDevice}, {@link io.jguest.inspection.detect.RpmHeader}.</li>
 *   <li>{@link io.jguest.inspection.detect.SqliteFile}: a minimal read-only SQLite reader (header,
 *       schema, table B-tree scans, records, overflow chains), enough for rpm's {@code rpmdb.sqlite};
 *       its one failure is {@link io.jguest.inspection.detect.SqliteException}. rpm's Berkeley DB
 *       and ndb databases are not read.</li>
 * </ul>
 *
 * Nothing here throws at the rules: what cannot be read becomes a warning line naming the filesystem
 * and the file ({@code /dev/sda2: /etc/fstab line 3: ...}).
 */
package io.jguest.inspection.detect;
