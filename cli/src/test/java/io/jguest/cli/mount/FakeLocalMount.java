package io.jguest.cli.mount;

import io.jguest.mountlocal.LocalMount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LocalMount} without FUSE: records "unmount" in a shared event list when closed;
 * {@link #whileMounted} runs when the session starts waiting (the test's "user" acts then).
 */
final class FakeLocalMount implements LocalMount {
    private final Path mountpoint;
    private final List<String> events;
    private final CountDownLatch unmounted = new CountDownLatch(1);
    volatile Runnable whileMounted = () -> { };

    FakeLocalMount(Path mountpoint, List<String> events) {
        this.mountpoint = mountpoint;
        this.events = events;
    }

    /** What a {@code fusermount -u} does: the loop ends. */
    void unmountFromOutside() {
        events.add("fusermount -u");
        unmounted.countDown();
    }

    @Override
    public Path mountpoint() {
        return mountpoint;
    }

    @Override
    public void awaitUnmounted() throws InterruptedException {
        whileMounted.run();
        unmounted.await();
    }

    @Override
    public boolean awaitUnmounted(Duration timeout) throws InterruptedException {
        return unmounted.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isMounted() {
        return unmounted.getCount() > 0;
    }

    @Override
    public void close() {
        events.add("close mount");
        unmounted.countDown();
    }
}
