/**
 * {@code guest-inspect}: the command line over {@link io.jguest.api.GuestSession#inspectOs}, in the
 * manner of libguestfs's virt-inspector.
 *
 * <p>Owns: the picocli command ({@link io.jguest.cli.inspect.GuestInspectCommand}) and its {@code main};
 * what one operating system's entry shows and in which order ({@code OsView}: virt-inspector 1.48's
 * elements, sorting and omissions); the two renderings of it, virt-inspector-compatible XML
 * ({@code InspectionXml}) and the same content as JSON ({@code InspectionJson}), each with its own
 * escaping and no library; and the {@code --explain} block ({@code ExplanationPrinter}).
 *
 * <p>{@code --batch}/{@code --batch-file} ({@code BatchInspectCommand}, chosen by {@code GuestInspectMain}):
 * many guests with one appliance, each image hot-plugged, inspected and removed; the batch document
 * wraps each image's {@code <operatingsystems>} in a {@code <guest image=...>} ({@code BatchResult},
 * {@code BatchList} for the list file).
 *
 * <p>The images are always attached read-only. Failures go through {@link io.jguest.cli.ErrorHandler}
 * as one line {@code guest-inspect: ...} and exit code 1, which is also the code when no operating
 * system is found.
 */
package io.jguest.cli.inspect;
