/**
 * Measurement helpers for {@code jguest boot-benchmark}: statistics over passes, a description of
 * the host, and the optional timing of libguestfs's {@code guestfish -a /dev/null run} for
 * comparison. No appliance code here; the command in {@code io.jguest.cli} drives the launches.
 * Nothing in the product depends on libguestfs being installed.
 */
package io.jguest.cli.bench;
