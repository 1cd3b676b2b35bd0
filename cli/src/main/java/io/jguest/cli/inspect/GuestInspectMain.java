package io.jguest.cli.inspect;

import io.jguest.cli.Main;

/** {@code guest-inspect} (scripts/guest-inspect runs this class). */
public final class GuestInspectMain {
    private GuestInspectMain() {
    }

    public static void main(String... args) {
        Main.runAndExit(GuestInspectCommand.class, args);
    }
}
