package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HostLoadTest {
    @Test
    void hostBusyIsEverythingButIdleAndIowait() {
        assertEquals(1955054 + 271349 + 1937 + 2566,
                HostLoad.hostBusy("cpu  1955054 0 271349 2343788 7369 0 1937 2566 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"));
    }

    @Test
    void ownIsUserAndSystemTimeWithReapedChildren() {
        // a command name with spaces and a parenthesis, as /proc allows
        String stat = "17903 (a (b) c) R 17901 17901 15219 0 -1 4194304 125 0 0 0 7 3 11 13 20 0 1 0 2304452 3133440";
        assertEquals(7 + 3 + 11 + 13, HostLoad.own(stat));
    }

    @Test
    void othersAreTheHostsBusyTimeLessOurs() {
        HostLoad.Sample a = new HostLoad.Sample(1000, 200);
        assertEquals(0.5, new HostLoad.Sample(1400, 550).othersSecondsSince(a), 1e-9);
        assertEquals(0, new HostLoad.Sample(1100, 350).othersSecondsSince(a), 1e-9); // tick skew: never negative
    }
}
