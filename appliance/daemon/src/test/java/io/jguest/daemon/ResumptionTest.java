package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.daemon.block.DeviceWait;
import io.jguest.protocol.Calls;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A resume's checks and effects, with the clock and entropy refresh recorded instead of done. */
class ResumptionTest {
    private final List<Long> times = new ArrayList<>();
    private final List<byte[]> entropies = new ArrayList<>();
    private final Resumption resumption = new Resumption(DeviceWait.none(), (t, e) -> {
        times.add(t);
        entropies.add(e);
    }, true, 0);

    @AfterEach
    void quiet() {
        Log.setVerbose(false);
    }

    @Test
    void aResumeRefreshesAndCounts() throws Exception {
        byte[] entropy = new byte[40];
        entropy[3] = 9;
        resumption.resume(new Calls.Resume(1_800_000_000_000_000_123L, entropy, 2, true));
        assertEquals(List.of(1_800_000_000_000_000_123L), times);
        assertArrayEquals(entropy, entropies.getFirst());
        assertTrue(Log.isVerbose());
        assertEquals(1, resumption.status().resumes());
        resumption.resume(new Calls.Resume(1, new byte[32], 0, false));
        assertEquals(2, resumption.status().resumes());
    }

    @Test
    void tooLittleEntropyOrANegativeCountIsRefusedBeforeAnythingChanges() {
        GuestFsException e = assertThrows(GuestFsException.class,
                () -> resumption.resume(new Calls.Resume(1, new byte[31], 0, false)));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(Errno.EINVAL, assertThrows(GuestFsException.class,
                () -> resumption.resume(new Calls.Resume(1, null, 0, false))).errno());
        assertEquals(Errno.EINVAL, assertThrows(GuestFsException.class,
                () -> resumption.resume(new Calls.Resume(1, new byte[32], -1, false))).errno());
        assertEquals(List.of(), times);
    }

    @Test
    void outsideTheApplianceNothingCanBeSavedOrResumed() {
        Resumption none = Resumption.unsupported();
        assertEquals(Errno.ENOTSUP, assertThrows(GuestFsException.class, none::prepare).errno());
        assertEquals(Errno.ENOTSUP, assertThrows(GuestFsException.class,
                () -> none.resume(new Calls.Resume(1, new byte[32], 0, false))).errno());
    }
}
