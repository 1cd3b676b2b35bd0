package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestunmountCommandTest {
    private static final GuestunmountCommand.Sleeper NO_SLEEP = d -> {
        throw new AssertionError("no wait expected");
    };

    @TempDir
    Path tmp;

    @Test
    void aDirectoryThatIsNotMountedExits3WithOneLine() {
        CliRun r = Runs.guestunmount(NO_SLEEP, tmp.toString());
        assertEquals(3, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.errLines().getFirst().startsWith("guestunmount: " + tmp + " is not mounted"), r::toString);
    }

    @Test
    void quietSaysNothing() {
        CliRun r = Runs.guestunmount(NO_SLEEP, "-q", tmp.toString());
        assertEquals(3, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void aMountOfAnotherKindIsNotOurs() {
        CliRun r = Runs.guestunmount(NO_SLEEP, "/proc");
        assertEquals(3, r.exitCode(), r::toString);
        assertTrue(r.err().contains("proc mount"), r::toString);
    }

    @Test
    void retryIsBounded() {
        CliRun r = Runs.guestunmount(NO_SLEEP, "--retry=64", tmp.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--retry=64"), r::toString);
    }

    @Test
    void noMountpointIsAUsageError() {
        CliRun r = Runs.guestunmount(NO_SLEEP);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.errLines().getFirst().startsWith("guestunmount: "), r::toString);
    }

    @Test
    void versionNamesTheProgram() {
        CliRun r = Runs.guestunmount(NO_SLEEP, "-V");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("guestunmount (jguest) "), r::toString);
    }
}
