package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One appliance for a test class. {@link #launch} notes the hash of every read-only drive;
 * {@link #close} shuts the appliance down and asserts that none of those images changed.
 * Idempotent, so a test may close it early to look at the images.
 */
public final class ApplianceFixture implements AutoCloseable {
    private final Guest guest;
    private final Map<Path, String> readOnlyHashes;
    private boolean closed;

    private ApplianceFixture(Guest guest, Map<Path, String> readOnlyHashes) {
        this.guest = guest;
        this.readOnlyHashes = readOnlyHashes;
    }

    public static ApplianceFixture launch(Drive... drives) throws ApplianceException {
        Map<Path, String> hashes = new LinkedHashMap<>();
        for (Drive d : drives) {
            if (d.readOnly()) {
                hashes.put(d.path(), TestImages.sha256(d.path()));
            }
        }
        return new ApplianceFixture(Appliances.launch(drives), hashes);
    }

    public Guest guest() {
        return guest;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        guest.close();
        readOnlyHashes.forEach((image, sha) -> assertEquals(sha, TestImages.sha256(image),
                image.getFileName() + " changed although its drive was read-only"));
    }
}
