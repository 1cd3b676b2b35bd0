/**
 * The saved appliance: a booted, warmed-up appliance's VM state, kept in the appliance cache, that
 * later launches restore instead of booting (about 0.3 s instead of 3 s under TCG).
 *
 * <p>{@link io.jguest.appliance.saved.SavedStates} owns the files: one state per key (the appliance,
 * the qemu binary, the accelerator and every machine option: the key hashes qemu's whole command line
 * with the socket paths left out), {@code saved-KEY.vmstate} in the appliance's cache directory, written
 * as {@code .tmp} and renamed in under a lock ({@code saved.lock} in the cache), so that concurrent
 * launchers never collide or see half a file. A state that failed to restore is deleted; a key whose
 * state could not be made is not tried again for an hour ({@code saved-KEY.failed}).
 * {@link io.jguest.appliance.saved.Warmup} is what the daemon runs before it is saved, so that a
 * restored daemon's common calls are compiled already. How states are made and restored (qemu, QMP,
 * hot-plug) is in {@code io.jguest.appliance.launch}.
 */
package io.jguest.appliance.saved;
