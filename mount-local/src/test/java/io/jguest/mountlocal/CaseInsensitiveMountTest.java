package io.jguest.mountlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link GuestMount} over {@link CaseInsensitiveFileSystem}: its cache must not undo case-insensitivity. */
class CaseInsensitiveMountTest {
    private static final Caller USER = new Caller(1000, 100, 4242, 022);

    private final MemoryGuestFileSystem guest = new MemoryGuestFileSystem();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private GuestMount mount;

    @BeforeEach
    void mountWindowsLikeTree() {
        guest.dirs("/C", "/D", "/C/Windows", "/C/Windows/System32");
        guest.put("/C/Windows/System32/cmd.exe", "MZ".getBytes(StandardCharsets.US_ASCII));
        mount = new GuestMount(new CaseInsensitiveFileSystem(guest),
                new MountConfig(false, Duration.ofSeconds(60), List.of(), "test", false), clock::get, false);
    }

    @AfterEach
    void close() {
        mount.close();
    }

    private static List<String> names(List<DirEntry> entries) {
        return entries.stream().map(DirEntry::name).sorted().toList();
    }

    @Test
    void aCachedListingDoesNotMakeOtherSpellingsAbsent() throws GuestFsException {
        assertEquals(List.of("C", "D"), names(mount.readdir("/")));
        assertEquals(List.of("Windows"), names(mount.readdir("/C")));
        assertTrue(mount.getattr("/c").isDirectory());
        assertTrue(mount.getattr("/c/windows").isDirectory());
        assertEquals(2, mount.getattr("/c/WINDOWS/system32/CMD.EXE").size());
        assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class, () -> mount.getattr("/c/nope")).errno(),
                "a name in no spelling is still answered from the listing");
    }

    @Test
    void allSpellingsShareOneCacheEntry() throws GuestFsException {
        mount.getattr("/C/Windows/System32/cmd.exe");
        guest.resetCalls();
        mount.getattr("/c/windows/system32/CMD.EXE");
        mount.getattr("/C/WINDOWS/SYSTEM32/cmd.EXE");
        assertEquals(0, guest.totalCalls(), guest.callCounts()::toString);
    }

    @Test
    void aChangeThroughOneSpellingIsSeenThroughAnother() throws GuestFsException {
        mount.readdir("/C/Windows");
        assertThrows(GuestFsException.class, () -> mount.getattr("/C/Windows/new.txt"));   // cached as absent
        long fh = mount.create("/c/windows/New.txt", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644, USER);
        mount.write("/c/windows/New.txt", fh, 0, "abc".getBytes(StandardCharsets.US_ASCII), 3);
        mount.release("/c/windows/New.txt", fh);
        assertEquals(3, mount.getattr("/C/Windows/new.txt").size());
        assertEquals(List.of("New.txt", "System32"), names(mount.readdir("/C/Windows")));
        mount.unlink("/C/WINDOWS/NEW.TXT");
        assertThrows(GuestFsException.class, () -> mount.getattr("/c/windows/new.txt"));
        assertEquals(List.of("System32"), names(mount.readdir("/c/windows")));
    }

    @Test
    void aChangeOfCaseShowsInTheCachedListing() throws GuestFsException {
        assertEquals(List.of("System32"), names(mount.readdir("/C/Windows")));
        mount.rename("/C/Windows/System32", "/C/Windows/SYSTEM32", 0);
        assertEquals(List.of("SYSTEM32"), names(mount.readdir("/C/Windows")));
        assertEquals(2, mount.getattr("/c/windows/system32/cmd.exe").size());
    }

    @Test
    void theTopLevelIsReadOnlyThroughTheMount() {
        assertEquals(Errno.EPERM, assertThrows(GuestFsException.class, () -> mount.mkdir("/E", 0755, USER)).errno());
        assertEquals(Errno.EPERM, assertThrows(GuestFsException.class, () -> mount.rename("/C", "/E", 0)).errno());
    }

    @Test
    void withoutTheDecoratorTheMountStaysCaseSensitive() throws GuestFsException {
        try (GuestMount plain = new GuestMount(guest, MountConfig.defaults(true))) {
            plain.readdir("/");
            assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class, () -> plain.getattr("/c")).errno());
            assertTrue(plain.getattr("/C").isDirectory());
        }
    }
}
