package io.jguest.daemon;

import io.jguest.daemon.block.CommandRunner;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.block.LocalSession;
import io.jguest.daemon.block.ProcessRunner;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.daemon.posix.Flags;
import io.jguest.daemon.posix.Libc;
import io.jguest.protocol.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Entry point of the daemon (class name fixed by the appliance contract). Needs
 * {@code --enable-native-access=ALL-UNNAMED}. Exit status: 0 after a clean end, 1 on a failure,
 * 2 on a bad command line; with power-off on exit it never returns (the VM stops).
 */
public final class DaemonMain {
    private static final Duration PORT_TIMEOUT = Duration.ofSeconds(10);

    private DaemonMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(Training.OPTION)) {
            System.exit(Training.run(List.of(args).subList(1, args.length)));
            return;
        }
        Log.marker("daemon-start uptime-ms=" + SystemInfo.uptimeMillis());
        DaemonOptions options;
        try {
            options = DaemonOptions.parse(List.of(args), System.getenv(), readCmdline());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DaemonOptions.USAGE);
            System.exit(2);
            return;
        }
        Log.setVerbose(options.verbose());
        int status = 1;
        try {
            status = run(options);
        } catch (IOException | RuntimeException e) {
            Log.error("daemon failed", e);
        } finally {
            if (options.powerOff()) {
                powerOff();
            }
        }
        System.exit(status);
    }

    /** Serves one session to its end; returns the exit status. */
    static int run(DaemonOptions options) throws IOException {
        // The first FFM calls take about 1 s of an emulated CPU (umask 0.4 s, the sysroot's openat2 probe
        // 0.6 s): they run on their own thread while this one opens the channel and sends the hello; file
        // calls wait for them. (Starting them, or a warm-up of the record codec, on threads at the very
        // start of main measured slower: more threads than vCPUs while the JVM starts.)
        Sysroot sysroot = Sysroot.openInBackground(options.sysroot(), DaemonMain::prepareNative, Libc::prepare);
        Channel channel = options.stdio() ? Channel.stdio()
                : Channel.virtioPort(Path.of("/sys/class/virtio-ports"), Path.of("/dev"), Wire.PORT_NAME, PORT_TIMEOUT);
        ProcessRunner runner = new ProcessRunner();
        DeviceWait wait = DeviceWait.appliance();
        return serve(channel, sysroot, runner, LocalSession.create(sysroot, runner, wait), options.workers(),
                options.stdio() ? Resumption.unsupported() : Resumption.appliance(wait));
    }

    /** The process's first FFM call: umask 0 (the host sends the modes it wants, already masked). */
    static void prepareNative() {
        Libc.umask(0);
    }

    /** Serves one session on {@code channel} to its end (also the path of the AOT {@link Training} run). */
    static int serve(Channel channel, Sysroot sysroot, CommandRunner runner, LocalSession session, int workers)
            throws IOException {
        return serve(channel, sysroot, runner, session, workers, Resumption.unsupported());
    }

    /**
     * Serves on {@code channel} to the end of the session. After a prepare-save call, waits for the
     * resume of a restored copy (the VM is saved meanwhile), applies it, says hello again and goes on.
     */
    static int serve(Channel channel, Sysroot sysroot, CommandRunner runner, LocalSession session, int workers,
                     Resumption resumption) throws IOException {
        try (LocalFileSystem files = new LocalFileSystem(sysroot)) {
            Runnable finish = () -> {
                files.close(); // open files would keep the unmount busy
                session.prepareShutdown();
            };
            Server server = new Server(new FrameChannel(channel.in(), channel.out(), Wire.MAX_FRAME, channel.fd()),
                    new Dispatcher(files, session, finish, resumption), workers);
            List<String> capabilities = capabilities(runner);
            server.sendHello(SystemInfo.hello(capabilities));
            Log.marker("daemon-ready uptime-ms=" + SystemInfo.uptimeMillis());
            Log.info("serving on " + channel.name() + ", sysroot " + sysroot.dir()); // usesOpenat2() would wait
            Server.End end;
            while ((end = server.serve()) == Server.End.PREPARED) {
                // every module is loaded now: what a restored copy will have (and not pay for again)
                capabilities = capabilities(runner);
                Server.Wake wake = server.awaitResume();
                if (wake.resume() == null) {
                    end = wake.end();
                    break;
                }
                try {
                    resumption.resume(wake.resume());
                } catch (io.jguest.api.GuestFsException e) {
                    // a restored appliance that cannot refresh its clock or random state must not serve
                    Log.error("resume failed", e);
                    end = Server.End.PROTOCOL_ERROR;
                    break;
                }
                server.sendHello(SystemInfo.hello(capabilities));
                // no string concatenation (an invokedynamic call site, linked on its first run: about
                // 0.1 s of a restored, emulated CPU)
                Log.marker("daemon-resumed uptime-ms=".concat(Long.toString(SystemInfo.uptimeMillis())));
            }
            Log.info("session ended: " + end);
            if (end != Server.End.SHUTDOWN) {
                finish.run();
            }
            return end == Server.End.SHUTDOWN || end == Server.End.END_OF_STREAM ? 0 : 1;
        }
    }

    private static List<String> capabilities(CommandRunner runner) {
        // openat2 as the kernel release promises it (waiting for the sysroot's probe would delay the hello)
        return Capabilities.detect(runner, Capabilities.kernelHasOpenat2(SystemInfo.kernelRelease()));
    }

    private static void powerOff() {
        Libc.sync();
        Log.info("powering off");
        try {
            Libc.reboot(Flags.RB_AUTOBOOT);
        } catch (Exception e) {
            Log.error("reboot(2) failed", e);
        }
    }

    private static String readCmdline() {
        try {
            return Files.readString(Path.of("/proc/cmdline"));
        } catch (IOException e) {
            return "";
        }
    }
}
