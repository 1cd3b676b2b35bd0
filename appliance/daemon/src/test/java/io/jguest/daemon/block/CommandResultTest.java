package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandResultTest {
    @Test
    void aMultiLineErrorBecomesOneLine() {
        // util-linux mount on a damaged ext4 (seen by the hostile images conformance group)
        CommandResult r = new CommandResult(32, "", "mount: /run/jguest-inspect/0: mount(2) system call failed: "
                + "Structure needs cleaning.\n       dmesg(1) may have more information after failed mount system call.\n");

        assertEquals("mount: /run/jguest-inspect/0: mount(2) system call failed: Structure needs cleaning. "
                + "dmesg(1) may have more information after failed mount system call.", r.errorText());
    }

    @Test
    void noErrorTextNamesTheExitStatus() {
        assertEquals("exit status 3", new CommandResult(3, "out", " \n\n").errorText());
    }
}
