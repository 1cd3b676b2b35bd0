/**
 * The {@code jguest} command line: picocli commands and the composition root that wires the
 * appliance ({@link io.jguest.appliance.Guest}) to the user's options.
 *
 * <p>{@link io.jguest.cli.Main#run} is the testable entry point. Commands throw; one place,
 * {@link io.jguest.cli.ErrorHandler}, turns every failure into a single {@code jguest: ...} line and
 * exit code 1 (see {@link io.jguest.cli.ExitCodes}). Per-run state (terminal, verbosity) lives in a
 * {@link io.jguest.cli.Cli} object handed to commands by {@link io.jguest.cli.CliFactory}, never in
 * statics. {@code guestmount} and {@code guestunmount} live in {@code io.jguest.cli.mount} and share
 * this runner ({@link io.jguest.cli.Main#execute}), the error handler and the option mixins. This
 * package may depend on everything; nothing depends on it.
 */
package io.jguest.cli;
