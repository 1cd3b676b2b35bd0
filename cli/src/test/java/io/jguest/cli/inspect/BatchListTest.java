package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchListTest {
    @TempDir
    Path tmp;

    @Test
    void onePathPerLineWithoutBlankLinesAndComments() {
        String text = "# guests to inspect\n/images/a.img\n\n   \n  b with space.qcow2  \r\n  # indented comment\nrel/c.img\n"
                + "/images/d#1.img";
        assertEquals(List.of("/images/a.img", "b with space.qcow2", "rel/c.img", "/images/d#1.img"), BatchList.parse(text));
    }

    @Test
    void anEmptyListIsEmpty() {
        assertEquals(List.of(), BatchList.parse(""));
        assertEquals(List.of(), BatchList.parse("\n# nothing\n\n"));
    }

    @Test
    void readsAFileAndNamesAMissingOne() throws Exception {
        Path list = Files.writeString(tmp.resolve("list.txt"), "x.img\ny.img\n");
        assertEquals(List.of("x.img", "y.img"), BatchList.read(list));
        Path missing = tmp.resolve("none.txt");
        CliException e = assertThrows(CliException.class, () -> BatchList.read(missing));
        assertEquals(missing + ": no such file (--batch-file)", e.getMessage());
    }
}
