/**
 * {@code boot-analysis} ({@code scripts/boot-analysis}): where the appliance's launch time goes, after
 * libguestfs's boot-analysis (docs/boot-analysis.md).
 *
 * <p>Owns: the command and its {@code main} ({@link io.jguest.cli.bootanalysis.BootAnalysisCommand}: warm-up,
 * passes, a failed pass reported and skipped, {@code --save}/{@code --replay} of captures); what the host
 * saw of one launch ({@code PassRecord}: host times and console lines on one clock, ms since qemu
 * started, and its text capture format); reading activities out of it ({@code BootLogParser}: the printk
 * clock aligned to the host's, initcalls, driver probes, kernel phases, the init scripts'
 * {@code jguest: begin/end NAME} markers, the daemon's start, hello and shutdown); the mean pass
 * ({@code Timeline}: mean start, mean duration ± sd, % of the run, nesting); and its two renderings, text
 * ({@code TimelinePrinter}) and an SVG Gantt chart ({@code SvgGantt}, hand-written).
 *
 * <p>{@code --restored} analyses the launch restored from the saved appliance instead: no kernel
 * argument added, the restore's host times from {@code LaunchReport} ({@code stateLoad},
 * {@code drivesAdded}, {@code resumeSent}) kept in the {@code PassRecord}, and the daemon's
 * {@code daemon-resumed} line placed by its arrival time (the guest's uptime stood still across the save).
 *
 * <p>It uses the launcher's seams only: {@code ApplianceConfig.Builder.addKernelArg} for
 * {@code initcall_debug printk.time=1 ignore_loglevel jguest.analysis=1}, and {@code Guest.console()} for
 * the console with arrival times. The markers come from the appliance's {@code init} and {@code init2}
 * when the kernel command line has {@code jguest.analysis=1}.
 */
package io.jguest.cli.bootanalysis;
