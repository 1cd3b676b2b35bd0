/**
 * Integration tests with the real appliance ({@code *IT}, failsafe, under TCG): images made with
 * host tools by {@link io.jguest.cli.it.TestImages}, one appliance per test class
 * ({@link io.jguest.cli.it.Appliances}).
 */
package io.jguest.cli.it;
