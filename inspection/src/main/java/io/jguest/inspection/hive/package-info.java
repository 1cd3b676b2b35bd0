/**
 * A reader for Windows registry hive files ({@code regf}): keys, subkeys and values, read-only.
 *
 * <p>Hives come from untrusted images, so every offset, length and count is checked against the
 * file before use, the work one lookup may do is bounded (no loop in a hostile subkey list can hang
 * it), and nothing is allocated in proportion to a size field the file claims: a hostile hive gives
 * a {@link io.jguest.inspection.hive.HiveException}, never a hang or an out-of-memory.
 *
 * <p>The bounds, and what breaks them:
 * <ul>
 *   <li>a cell must be 8-byte aligned, allocated, and lie inside one hive bin, past its header;
 *       every field read must lie inside its cell, and every count (list entries, value offsets,
 *       db segments) must fit in its cell before anything is read or allocated for it;</li>
 *   <li>one call on a {@link io.jguest.inspection.hive.HiveKey} visits at most 2<sup>18</sup>
 *       cells and copies at most 32 MiB of value data; a single value may not exceed 16 MiB;</li>
 *   <li>an {@code ri} list may only point at {@code lf}/{@code lh}/{@code li} lists, the entries
 *       of a key's lists must add up to its subkey count, a key may not list itself, and keys
 *       nest at most 512 deep (a loop of keys listing each other ends there);</li>
 *   <li>{@link io.jguest.inspection.hive.Hive#open} refuses files over its {@code maxBytes}.</li>
 * </ul>
 * Errors are one line: the file, the key the call started from, the cell and the cause.
 *
 * <p>{@code Hive} owns the base block and the bins, {@code Lookup} resolves cells for one bounded
 * call, {@code KeyNode} ({@code nk}), {@code SubkeyLists} ({@code lf lh li ri}) and
 * {@code ValueCell} ({@code vk}, {@code db}) read the records, {@code HiveValue} interprets data.
 */
package io.jguest.inspection.hive;
