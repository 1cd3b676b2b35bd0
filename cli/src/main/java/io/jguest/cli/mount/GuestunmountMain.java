package io.jguest.cli.mount;

import io.jguest.cli.Main;

/** {@code guestunmount} (scripts/guestunmount runs this class). */
public final class GuestunmountMain {
    private GuestunmountMain() {
    }

    public static void main(String... args) {
        Main.runAndExit(GuestunmountCommand.class, args);
    }
}
