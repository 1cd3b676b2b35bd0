/**
 * Issue 6's conformance suite: one group per class, each a real-appliance, real-FUSE integration
 * test ({@code *IT}, run by failsafe) whose {@code @DisplayName} is the group's name in the table of
 * {@code scripts/conformance}. The groups are: POSIX behaviour through the mount per filesystem,
 * data integrity under load (fio, stress-ng), faults (qemu killed, guest panic, disks full, SIGKILL,
 * a second writer), hostile images (seeded mutations), and isolation (sandbox, no network, private
 * mountpoint).
 *
 * <p>Every group runs in CI and keeps its CI part short (all groups together under 10 minutes on 2
 * cores); longer variants (more seeds, longer load) run only when the system property
 * {@code jguest.conformance.full} is {@code true} ({@code scripts/conformance --full}). A test that
 * cannot run on this host (a tool or a filesystem missing) skips itself with the reason; a known
 * failure is listed with its reason in {@code docs/conformance.md}, never hidden. Helpers shared with
 * the other integration tests (MountTool, TestImages, ApplianceFixture) are in {@code io.jguest.cli.it}.
 */
package io.jguest.cli.conformance;
