package io.jguest.daemon.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrnosTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(Errno.class)
    void everyNameHasItsLinuxNumber(Errno errno) {
        int number = Errnos.toNumber(errno);
        assertTrue(number > 0, errno + " has no number");
        String expected = errno == Errno.ENOTSUP ? "EOPNOTSUPP" : errno.name();
        assertEquals(expected, Libc.errnoName(number), "glibc's name for " + number);
        assertEquals(expected, Errnos.toErrno(number).name(), "round trip of " + errno);
    }

    @Test
    void unknownNumbersAreEio() {
        assertFalse(Errnos.isKnown(107)); // ENOTCONN: not in the API
        assertEquals(Errno.EIO, Errnos.toErrno(107));
        assertEquals(Errno.EIO, Errnos.toErrno(0));
        assertEquals(Errno.EIO, Errnos.toErrno(-1));
    }

    @Test
    void posixExceptionCarriesNameNumberAndDescription() {
        PosixException e = new PosixException(2, "openat");
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals(2, e.number());
        assertEquals("openat: No such file or directory (ENOENT)", e.getMessage());
    }
}
