/**
 * The host side of the appliance, as one handle: {@link io.jguest.appliance.Guest}.
 *
 * <p>Owns the public API of the appliance ({@link io.jguest.appliance.Guest},
 * {@link io.jguest.appliance.ApplianceConfig}, {@link io.jguest.appliance.Drive}) and its error types
 * ({@link io.jguest.appliance.ApplianceException} and subclasses). Sub-packages: {@code build}
 * (the appliance from host files, cached), {@code launch} (qemu, accelerator choice, console),
 * {@code rpc} (the protocol client). Only {@code launch} and {@code rpc} do process or socket I/O.
 */
package io.jguest.appliance;
