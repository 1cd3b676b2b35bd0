package io.jguest.appliance.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagingTreeTest {
    @TempDir
    Path tmp;

    @Test
    void copiesThroughDirectoryAndFileSymlinks() throws Exception {
        // a usr-merged "host": /lib -> usr/lib, libc.so.6 -> libc-2.36.so, /sbin/tool -> /usr/bin/real
        Path host = tmp.resolve("host");
        Files.createDirectories(host.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createDirectories(host.resolve("usr/bin"));
        Files.createSymbolicLink(host.resolve("lib"), Path.of("usr/lib"));
        Files.writeString(host.resolve("usr/lib/x86_64-linux-gnu/libc-2.36.so"), "libc");
        Files.createSymbolicLink(host.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"), Path.of("libc-2.36.so"));
        Files.writeString(host.resolve("usr/bin/real"), "tool");
        Files.createDirectories(host.resolve("usr/sbin"));
        Files.createSymbolicLink(host.resolve("sbin"), Path.of("usr/sbin"));
        Files.createSymbolicLink(host.resolve("usr/sbin/tool"), host.resolve("usr/bin/real"));

        Path st = tmp.resolve("staging");
        Files.createDirectories(st);
        StagingTree tree = new StagingTree(st, host);
        Path copied = tree.copyHostFile(host.resolve("lib/x86_64-linux-gnu/libc.so.6"));
        assertEquals(host.resolve("usr/lib/x86_64-linux-gnu/libc-2.36.so"), copied);
        assertEquals(Path.of("usr/lib"), Files.readSymbolicLink(st.resolve("lib")));
        assertEquals(Path.of("libc-2.36.so"), Files.readSymbolicLink(st.resolve("usr/lib/x86_64-linux-gnu/libc.so.6")));
        assertEquals("libc", Files.readString(st.resolve("usr/lib/x86_64-linux-gnu/libc-2.36.so")));

        tree.copyHostFile(host.resolve("sbin/tool"));
        assertTrue(Files.isSymbolicLink(st.resolve("usr/sbin/tool")));
        assertEquals("tool", Files.readString(st.resolve("usr/bin/real")));

        assertTrue(tree.exists("/lib/x86_64-linux-gnu/libc.so.6"));
        assertTrue(tree.exists("/sbin/tool"));
        assertFalse(tree.exists("/sbin/other"));
        assertTrue(tree.symlinkIfAbsent("/lib/x86_64-linux-gnu/extra", "libc.so.6"));
        assertTrue(Files.isSymbolicLink(st.resolve("usr/lib/x86_64-linux-gnu/extra")));
        assertFalse(tree.symlinkIfAbsent("/lib/x86_64-linux-gnu/libc.so.6", "x"));

        tree.write("/etc/jguest/x", new byte[] {1}, false);
        assertTrue(Files.isRegularFile(st.resolve("etc/jguest/x"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void elfReaderSeesThisJvmsLauncher() throws Exception {
        Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
        ElfFile elf = ElfFile.read(launcher).orElseThrow();
        assertTrue(elf.is64());
        assertTrue(elf.interpreter() != null && elf.interpreter().contains("ld-linux"), String.valueOf(elf.interpreter()));
        assertTrue(elf.needed().contains("libjli.so"), elf.needed().toString());
        SharedLibraries.Closure c = SharedLibraries.forHost().closure(java.util.List.of(launcher));
        assertTrue(c.files().stream().anyMatch(p -> p.getFileName().toString().equals("libjli.so")), c.toString());
        assertTrue(c.files().stream().anyMatch(p -> p.getFileName().toString().startsWith("libc.so")), c.toString());
        Path text = Files.writeString(tmp.resolve("text"), "not an ELF file");
        assertTrue(ElfFile.read(text).isEmpty());
    }
}
