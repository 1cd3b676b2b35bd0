/**
 * The built-in predicates inspection's rules call, and the parsers behind them: files tested and read
 * inside a filesystem's root without ever leaving it (symlinks resolved within the root, bounded
 * sizes and loop counts), os-release and other release files, ELF and PE headers, fstab, package
 * databases, and the Windows registry through {@link io.jguest.inspection.hive}.
 */
package io.jguest.inspection.detect;
