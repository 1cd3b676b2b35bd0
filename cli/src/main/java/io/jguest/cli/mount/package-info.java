/**
 * {@code guestmount} and {@code guestunmount}: the command lines over mount-local.
 *
 * <p>Owns: the two picocli commands ({@link io.jguest.cli.mount.GuestmountCommand},
 * {@link io.jguest.cli.mount.GuestunmountCommand}) and their {@code main}s; the checks made before
 * anything is launched (options, the host mountpoint, FUSE {@code -o} options); guestmount's
 * background mode (a re-executed child JVM in a new session that proves readiness to its parent over
 * a pipe, since Java cannot fork); {@code -i}: from an inspection report to the guest's own layout
 * ({@link io.jguest.cli.mount.InspectorLayout}: fstab order for Linux, drive letters for Windows);
 * the serving lifecycle of a mount (launch, {@code -i} and {@code -m} mounts, FUSE,
 * readiness, then unmount, flush, sync and appliance shutdown on unmount or SIGTERM/SIGINT); and the
 * per-user registry of mounts ({@code $XDG_RUNTIME_DIR/jguest/mounts/}) through which guestunmount
 * waits for the serving process to finish, so the images are safe to copy when it returns.
 *
 * <p>Failures go through {@link io.jguest.cli.ErrorHandler} as one line {@code guestmount: ...} /
 * {@code guestunmount: ...}; exit codes are libguestfs's (guestmount: 1 for any error;
 * guestunmount: 1 program error, 2 busy, 3 not mounted). The few libc calls Java lacks (writing to a
 * numbered file descriptor, detaching stdio) use FFM in {@code Posix}; jnr types never appear here.
 */
package io.jguest.cli.mount;
