/**
 * Integration tests with the real appliance ({@code *IT}, failsafe, under TCG): images made with
 * host tools by {@link io.jguest.cli.it.TestImages}, one appliance per test class
 * ({@link io.jguest.cli.it.ApplianceFixture}: read-only images are checked unchanged when it closes).
 * The {@code Guestmount*IT} classes run {@code scripts/guestmount} and {@code scripts/guestunmount} as
 * processes, as a user would, through {@link io.jguest.cli.it.MountTool}, which confines their temp
 * files and mount registry to the test's directory and undoes what a failed test leaves mounted or
 * running.
 */
package io.jguest.cli.it;
