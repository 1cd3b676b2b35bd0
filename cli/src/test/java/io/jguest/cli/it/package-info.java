/**
 * Integration tests with the real appliance ({@code *IT}, failsafe, under TCG): images made with
 * host tools by {@link io.jguest.cli.it.TestImages}, one appliance per test class
 * ({@link io.jguest.cli.it.ApplianceFixture}: read-only images are checked unchanged when it closes).
 */
package io.jguest.cli.it;
