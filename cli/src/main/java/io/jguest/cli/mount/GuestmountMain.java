package io.jguest.cli.mount;

import io.jguest.cli.Main;

/** {@code guestmount} (scripts/guestmount runs this class). */
public final class GuestmountMain {
    private GuestmountMain() {
    }

    public static void main(String... args) {
        Main.runAndExit(GuestmountCommand.class, args);
    }
}
