package io.jguest.mountlocal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.Timespec;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CaseInsensitiveFileSystemTest {
    private static final int CREATE = OpenFlags.O_CREAT | OpenFlags.O_WRONLY;

    private final MemoryGuestFileSystem guest = new MemoryGuestFileSystem();
    private final CaseInsensitiveFileSystem fs = new CaseInsensitiveFileSystem(guest);

    @BeforeEach
    void windowsLikeTree() {
        guest.dirs("/C", "/D", "/C/Windows", "/C/Windows/System32", "/D/Ärger", "/D/ΟΔΟΣ");
        guest.put("/C/Windows/System32/cmd.exe", bytes("MZ cmd"));
        guest.put("/C/Windows/win.ini", bytes("[fonts]"));
        guest.put("/D/Ärger/Straße.txt", bytes("strasse"));
        guest.resetCalls();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Errno errno(Executable e) {
        return assertThrows(GuestFsException.class, e).errno();
    }

    private String read(String path) throws GuestFsException {
        long h = fs.open(path, OpenFlags.O_RDONLY, 0);
        try {
            return new String(fs.pread(h, 0, 1000), StandardCharsets.UTF_8);
        } finally {
            fs.release(h);
        }
    }

    private List<String> names(String realDir) throws GuestFsException {
        return guest.readdir(realDir).stream().map(DirEntry::name).toList();
    }

    /** Each component as given, lower-cased, upper-cased and with its case swapped: 4^n spellings (some equal). */
    private static List<String> spellings(String path) {
        List<String> out = new ArrayList<>(List.of(""));
        for (String part : path.substring(1).split("/")) {
            List<String> next = new ArrayList<>();
            for (String prefix : out) {
                for (String v : List.of(part, map(part, Character::toLowerCase), map(part, Character::toUpperCase),
                        map(part, cp -> Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp)))) {
                    next.add(prefix + "/" + v);
                }
            }
            out = next;
        }
        return out;
    }

    /** Per character (String.toUpperCase would turn ß into SS). */
    private static String map(String s, java.util.function.IntUnaryOperator f) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.appendCodePoint(f.applyAsInt(cp)));
        return sb.toString();
    }

    @Nested
    @DisplayName("lookups")
    class Lookups {
        @Test
        void everySpellingOfEveryComponentFindsTheFile() throws GuestFsException {
            long ino = guest.stat("/C/Windows/System32/cmd.exe").ino();
            List<String> all = spellings("/C/Windows/System32/cmd.exe");
            assertEquals(256, all.size());
            for (String p : all) {
                assertEquals(ino, fs.lstat(p).ino(), p);
            }
            assertEquals("MZ cmd", read("/c/WINDOWS/system32/CMD.EXE"));
        }

        @Test
        void nonAsciiNamesMatchPerCharacter() throws GuestFsException {
            long ino = guest.stat("/D/Ärger/Straße.txt").ino();
            for (String p : spellings("/D/Ärger/Straße.txt")) {
                assertEquals(ino, fs.lstat(p).ino(), p);
            }
            assertEquals(Errno.ENOENT, errno(() -> fs.lstat("/d/ärger/STRASSE.TXT")), "ß is not SS (NTFS compares per character)");
            long greek = guest.stat("/D/ΟΔΟΣ").ino();
            assertEquals(greek, fs.lstat("/d/οδος").ino(), "final sigma");
            assertEquals(greek, fs.lstat("/d/οδοσ").ino());
        }

        @Test
        void theExactNameWinsOverOtherSpellings() throws GuestFsException {
            guest.put("/C/readme", bytes("lower"));
            guest.put("/C/README", bytes("upper"));
            assertEquals("lower", read("/C/readme"));
            assertEquals("upper", read("/C/README"));
            assertEquals("upper", read("/c/ReadMe"), "else the first listed (the listing is sorted: README first)");
            assertEquals("lower", read("/c/readme"), "exact in its own directory, once the parent is resolved");
        }

        @Test
        void aNameMissingInEveryCaseIsTheOriginalError() {
            GuestFsException e = assertThrows(GuestFsException.class, () -> fs.lstat("/c/windows/nope.exe"));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals("/c/windows/nope.exe", e.path());
            assertEquals(Errno.ENOENT, errno(() -> fs.lstat("/x/windows")));
        }

        @Test
        void otherErrorsAreNotRetried() {
            assertEquals(Errno.ENOTDIR, errno(() -> fs.lstat("/C/Windows/win.ini/x")));
            assertEquals(0, guest.calls("readdir"));
        }

        @Test
        void everyLookupOperationResolves() throws GuestFsException {
            guest.put("/C/Windows/link-target", bytes("t"));
            guest.symlink("link-target", "/C/Windows/Shortcut");
            guest.setxattr("/C/Windows/win.ini", "user.k", bytes("v"), 0);
            guest.resetCalls();
            assertEquals("link-target", fs.readlink("/c/windows/SHORTCUT"));
            assertEquals(List.of("user.k"), fs.listxattr("/c/windows/WIN.INI"));
            assertArrayEquals(bytes("v"), fs.getxattr("/c/windows/WIN.INI", "user.k"));
            assertEquals(List.of("Shortcut", "System32", "link-target", "win.ini"),
                    fs.readdir("/c/WINDOWS").stream().map(DirEntry::name).toList());
            assertNotNull(fs.readdirPlus("/c/WINDOWS").getFirst().attributes());
            assertNotNull(fs.statvfs("/c/windows"));
        }

        @Test
        void lstatListResolvesTheDirectoryAndEachMissingName() throws GuestFsException {
            List<FileAttributes> l = fs.lstatList("/c/windows", List.of("WIN.INI", "System32", "nope"));
            assertEquals(guest.stat("/C/Windows/win.ini").ino(), l.get(0).ino());
            assertEquals(guest.stat("/C/Windows/System32").ino(), l.get(1).ino());
            assertNull(l.get(2));
        }

        @Test
        void readdirPlusManyIsOneCallWhenAllAreFoundAndResolvesTheOthers() throws GuestFsException {
            List<List<DirEntry>> l = fs.readdirPlusMany(List.of("/C/Windows", "/D"));
            assertEquals(1, guest.totalCalls(), guest.callCounts()::toString);
            assertEquals(2, l.size());
            l = fs.readdirPlusMany(List.of("/C/Windows", "/c/windows/SYSTEM32", "/nope"));
            assertEquals(List.of("cmd.exe"), l.get(1).stream().map(DirEntry::name).toList());
            assertNull(l.get(2));
        }
    }

    @Nested
    @DisplayName("cost")
    class Cost {
        @Test
        void noListingOnTheHitPath() throws GuestFsException {
            fs.lstat("/C/Windows/System32/cmd.exe");
            long h = fs.open("/C/Windows/System32/cmd.exe", OpenFlags.O_RDONLY, 0);
            fs.pread(h, 0, 10);
            fs.release(h);
            fs.readdirPlus("/C/Windows");
            OpenFile f = fs.create("/C/Windows/new.txt", CREATE, 0644, -1, -1);
            fs.release(f.handle());
            fs.mkdir("/C/Windows/NewDir", 0755);
            fs.chmod("/C/Windows/win.ini", 0600);
            fs.unlink("/C/Windows/new.txt");
            assertEquals(0, guest.calls("readdir"), guest.callCounts()::toString);
            assertEquals(Map.of("lstat", 1L, "open", 1L, "pread", 1L, "release", 2L, "readdirPlus", 1L, "create", 1L,
                    "mkdir", 1L, "chmod", 1L, "unlink", 1L), guest.callCounts(), "one call each, defaults forwarded");
        }

        @Test
        void theKernelsWalkCostsOneListingPerMisspelledStep() throws GuestFsException {
            for (String p : List.of("/c", "/c/windows", "/c/windows/system32", "/c/windows/system32/CMD.EXE")) {
                guest.resetCalls();
                fs.lstat(p);
                assertEquals(Map.of("lstat", 2L, "readdir", 1L), guest.callCounts(), p);
            }
        }

        @Test
        void aMissUnderAnExactParentListsOnlyThatParent() throws GuestFsException {
            fs.lstat("/C/Windows/SYSTEM32");
            assertEquals(Map.of("lstat", 2L, "readdir", 1L), guest.callCounts());
        }

        @Test
        void aDeadApplianceDuringResolutionIsEio() {
            guest.failOn("readdir", Errno.EIO);
            assertEquals(Errno.EIO, errno(() -> fs.lstat("/c/windows")));
        }
    }

    @Nested
    @DisplayName("new names")
    class NewNames {
        @Test
        void createAndMkdirUnderADifferentlyCasedParent() throws GuestFsException {
            OpenFile f = fs.create("/c/WINDOWS/New File.txt", CREATE, 0644, -1, -1);
            fs.pwrite(f.handle(), 0, bytes("hello"));
            fs.release(f.handle());
            assertArrayEquals(bytes("hello"), guest.content("/C/Windows/New File.txt"), "the new name kept as given");
            fs.mkdir("/c/windows/system32/Drivers", 0755);
            assertTrue(guest.stat("/C/Windows/System32/Drivers").isDirectory());
            fs.mknod("/c/windows/Pipe", FileType.FIFO.bits() | 0644, 0);
            assertEquals(FileType.FIFO, guest.stat("/C/Windows/Pipe").type());
            fs.symlink("System32/CMD.EXE", "/c/windows/cmd-link");
            assertEquals("System32/CMD.EXE", guest.readlink("/C/Windows/cmd-link"), "a symlink's target is content, kept as given");
            long h = fs.open("/c/windows/opened.txt", CREATE, 0600);
            fs.release(h);
            assertEquals(0600, guest.stat("/C/Windows/opened.txt").permissions());
            assertEquals(List.of("New File.txt", "Pipe", "System32", "cmd-link", "opened.txt", "win.ini"), names("/C/Windows"));
        }

        @Test
        void aNameExistingInAnotherCaseIsUsed() throws GuestFsException {
            OpenFile f = fs.create("/c/windows/WIN.INI", CREATE | OpenFlags.O_TRUNC, 0644, -1, -1);
            fs.pwrite(f.handle(), 0, bytes("[new]"));
            fs.release(f.handle());
            assertArrayEquals(bytes("[new]"), guest.content("/C/Windows/win.ini"));
            assertEquals(Errno.EEXIST, errno(() -> fs.mkdir("/c/windows/SYSTEM32", 0755)));
            assertEquals(List.of("System32", "win.ini"), names("/C/Windows"));
        }

        @Test
        void linkResolvesBothNames() throws GuestFsException {
            fs.link("/c/windows/WIN.INI", "/c/WINDOWS/Hard.ini");
            assertEquals(2, guest.stat("/C/Windows/Hard.ini").nlink());
            assertEquals(guest.stat("/C/Windows/win.ini").ino(), guest.stat("/C/Windows/Hard.ini").ino());
        }

        @Test
        void aParentMissingInEveryCaseIsTheOriginalError() {
            assertEquals(Errno.ENOENT, errno(() -> fs.create("/c/nope/x", CREATE, 0644, -1, -1)));
            assertEquals(Errno.ENOENT, errno(() -> fs.mkdir("/c/nope/x", 0755)));
        }
    }

    @Nested
    @DisplayName("rename")
    class Rename {
        @Test
        void bothNamesAreResolved() throws GuestFsException {
            fs.rename("/c/windows/WIN.INI", "/C/WINDOWS/System.ini", 0);
            assertEquals(List.of("System.ini", "System32"), names("/C/Windows"));
            assertArrayEquals(bytes("[fonts]"), guest.content("/C/Windows/System.ini"));
        }

        @Test
        void aTargetExistingInAnotherCaseIsReplaced() throws GuestFsException {
            guest.put("/C/b.txt", bytes("old b"));
            guest.put("/C/a.txt", bytes("new b"));
            fs.rename("/C/a.txt", "/C/B.TXT", 0);
            assertEquals(List.of("Windows", "b.txt"), names("/C"));
            assertArrayEquals(bytes("new b"), guest.content("/C/b.txt"));
        }

        @Test
        void toAnotherSpellingOfItselfChangesTheCase() throws GuestFsException {
            guest.put("/C/foo", bytes("f"));
            fs.rename("/C/foo", "/C/FOO", 0);
            assertEquals(List.of("FOO", "Windows"), names("/C"));
            fs.rename("/c/foo", "/c/Foo", 0);
            assertEquals(List.of("Foo", "Windows"), names("/C"));
            fs.rename("/c/windows/system32", "/C/Windows/SysTem32", 0);
            assertEquals(List.of("SysTem32", "win.ini"), names("/C/Windows"));
        }

        @Test
        void renameAndRmdirForgetWhatWasResolved() throws GuestFsException {
            fs.lstat("/c/windows/system32");
            assertTrue(fs.remembered() > 0);
            fs.rename("/C/Windows", "/C/WinOld", 0);
            assertEquals(0, fs.remembered());
            assertEquals(Errno.ENOENT, errno(() -> fs.lstat("/c/windows/system32")));
            assertEquals(guest.stat("/C/WinOld/System32").ino(), fs.lstat("/c/winold/SYSTEM32").ino());
            guest.dirs("/C/Empty");
            fs.lstat("/c/empty");
            fs.rmdir("/c/EMPTY");
            assertEquals(0, fs.remembered());
            assertEquals(Errno.ENOENT, errno(() -> guest.stat("/C/Empty")));
        }
    }

    @Nested
    @DisplayName("the top level holds the drive letters: EPERM")
    class TopLevel {
        @Test
        void namesDirectlyUnderTheRootCannotBeMadeRemovedOrRenamed() {
            List<Executable> changes = List.of(
                    () -> fs.mkdir("/E", 0755),
                    () -> fs.create("/x.txt", CREATE, 0644, -1, -1),
                    () -> fs.open("/x.txt", CREATE, 0644),
                    () -> fs.mknod("/fifo", FileType.FIFO.bits() | 0644, 0),
                    () -> fs.symlink("C", "/E"),
                    () -> fs.link("/C/Windows/win.ini", "/win.ini"),
                    () -> fs.rename("/C", "/E", 0),
                    () -> fs.rename("/c", "/E", 0),
                    () -> fs.rename("/C/Windows", "/Windows", 0),
                    () -> fs.rename("/D", "/C/D", 0),
                    () -> fs.unlink("/C"),
                    () -> fs.rmdir("/d"),
                    () -> fs.chmod("/", 0777),
                    () -> fs.lchown("/", 1, 1),
                    () -> fs.utimens("/", Timespec.NOW, Timespec.NOW),
                    () -> fs.setxattr("/", "user.k", bytes("v"), 0),
                    () -> fs.removexattr("/", "user.k"),
                    () -> fs.truncate("/", 0));
            for (Executable change : changes) {
                assertEquals(Errno.EPERM, errno(change));
            }
            assertEquals(0, guest.totalCalls(), "refused without a round trip");
        }

        @Test
        void theDrivesOwnRootsCanChange() throws GuestFsException {
            fs.chmod("/c", 0700);
            assertEquals(0700, guest.stat("/C").permissions());
            fs.mkdir("/d/New", 0755);
            assertTrue(guest.stat("/D/New").isDirectory());
        }
    }

    @Test
    void everyMethodOfTheInterfaceIsImplementedHereDefaultsIncluded() throws NoSuchMethodException {
        for (Method m : GuestFileSystem.class.getMethods()) {
            if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                Method own = CaseInsensitiveFileSystem.class.getMethod(m.getName(), m.getParameterTypes());
                assertEquals(CaseInsensitiveFileSystem.class, own.getDeclaringClass(), m::toString);
            }
        }
    }

    @Test
    void foldIsIdempotentAndKeepsLengthForEveryCharacter() {
        for (int cp = 0; cp <= 0xFFFF; cp++) {
            if (Character.isSurrogate((char) cp)) {
                continue;
            }
            String s = Character.toString(cp);
            String once = CaseInsensitiveFileSystem.fold(s);
            assertEquals(s.length(), once.length(), () -> Integer.toHexString(s.codePointAt(0)));
            assertEquals(once, CaseInsensitiveFileSystem.fold(once), () -> Integer.toHexString(s.codePointAt(0)));
        }
        assertEquals("c:/windows/ärger/οδοσ", CaseInsensitiveFileSystem.fold("C:/WINDOWS/ÄRGER/ΟΔΟς"));
        String plain = "/c/windows/x";
        assertTrue(plain == CaseInsensitiveFileSystem.fold(plain), "no copy without upper case or non-ASCII");
    }
}
