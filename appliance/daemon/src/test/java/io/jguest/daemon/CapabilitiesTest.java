package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void openat2FromKernelRelease() {
        assertTrue(Capabilities.kernelHasOpenat2("6.1.0-56-amd64"));
        assertTrue(Capabilities.kernelHasOpenat2("5.6.0"));
        assertTrue(Capabilities.kernelHasOpenat2("5.10.0-30-cloud-amd64"));
        assertFalse(Capabilities.kernelHasOpenat2("5.5.19"));
        assertFalse(Capabilities.kernelHasOpenat2("4.19.0-27-amd64"));
        assertFalse(Capabilities.kernelHasOpenat2("unknown"));
        assertFalse(Capabilities.kernelHasOpenat2(""));
    }
}
