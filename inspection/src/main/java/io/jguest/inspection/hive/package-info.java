/**
 * A reader for Windows registry hive files ({@code regf}): keys, subkeys and values, read-only.
 *
 * <p>Hives come from untrusted images, so every offset, length and count is checked against the
 * file before use, the work one lookup may do is bounded (no loop in a hostile subkey list can hang
 * it), and nothing is allocated in proportion to a size field the file claims: a hostile hive gives
 * a {@link io.jguest.inspection.hive.HiveException}, never a hang or an out-of-memory.
 */
package io.jguest.inspection.hive;
