/**
 * Starting and stopping qemu for one appliance.
 *
 * <p>{@link io.jguest.appliance.launch.QemuGuest#launch} is the whole sequence: check the drives
 * ({@link io.jguest.appliance.launch.DriveProbe}), get the appliance from the builder, choose the
 * accelerator ({@link io.jguest.appliance.launch.AccelVerdicts}: KVM when it is known to work or not yet
 * judged, TCG otherwise), listen on a private UNIX socket, start qemu
 * ({@link io.jguest.appliance.launch.QemuCommandLine}, {@link io.jguest.appliance.launch.QemuProcess}),
 * accept its connection and wait for the daemon's hello. A KVM launch that does not say hello within
 * the KVM bound is killed, judged broken for this host (remembered), and retried under TCG.
 *
 * <p>By default a launch does not boot: {@link io.jguest.appliance.launch.SavedLaunch} restores the
 * appliance's saved VM state (making it first when there is none) and hot-plugs the drives
 * ({@link io.jguest.appliance.launch.HotPlug}); it falls back to the cold boot above when the state
 * does not restore. {@link io.jguest.appliance.launch.QemuStart} is one qemu with its private socket
 * directory, for both.
 *
 * <p>No qemu outlives its owner: qemu runs under a small watchdog shell that kills it when the owning
 * JVM is gone (after giving the daemon, which sees the channel close, a few seconds to sync and power
 * off by itself). Every failure before hello kills qemu and removes the socket directory.
 */
package io.jguest.appliance.launch;
