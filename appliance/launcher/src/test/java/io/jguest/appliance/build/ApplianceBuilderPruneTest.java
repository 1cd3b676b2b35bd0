package io.jguest.appliance.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cached appliances a build deletes: old and unused ones only, never one just found by another process. */
class ApplianceBuilderPruneTest {
    @TempDir
    Path cache;

    @Test
    void keepsTheMostRecentAndEveryApplianceUsedWithinTheHour() throws IOException {
        Path current = appliance("appliance-current", Duration.ZERO);
        appliance("appliance-recent", Duration.ofMinutes(1));
        appliance("appliance-other-checkout", Duration.ofMinutes(5)); // beyond KEEP, but in use lately
        appliance("appliance-old", Duration.ofHours(2));
        appliance("appliance-older", Duration.ofDays(3));
        Files.createDirectory(cache.resolve("tmp-123")); // not an appliance

        ApplianceBuilder.pruneOld(cache, current);

        assertEquals(List.of("appliance-current", "appliance-other-checkout", "appliance-recent", "tmp-123"), names());
    }

    @Test
    void keepsTheMostRecentOtherOneEvenWhenOld() throws IOException {
        Path current = appliance("appliance-current", Duration.ZERO);
        appliance("appliance-old", Duration.ofHours(2));
        appliance("appliance-older", Duration.ofHours(3));

        ApplianceBuilder.pruneOld(cache, current);

        assertEquals(List.of("appliance-current", "appliance-old"), names());
    }

    private Path appliance(String name, Duration age) throws IOException {
        Path dir = Files.createDirectory(cache.resolve(name));
        Files.writeString(dir.resolve("root.img"), "x");
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(age)));
        return dir;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
