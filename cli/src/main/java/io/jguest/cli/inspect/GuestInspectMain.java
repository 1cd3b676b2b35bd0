package io.jguest.cli.inspect;

import io.jguest.cli.Main;

/** {@code guest-inspect} (scripts/guest-inspect runs this class): one guest, or with {@code --batch} many. */
public final class GuestInspectMain {
    private GuestInspectMain() {
    }

    public static void main(String... args) {
        Main.runAndExit(isBatch(args) ? BatchInspectCommand.class : GuestInspectCommand.class, args);
    }

    /** {@code --batch} or {@code --batch-file} among {@code args}: many guests ({@link BatchInspectCommand}). */
    static boolean isBatch(String... args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--batch") || a.equals("--batch-file") || a.startsWith("--batch-file=")) {
                return true;
            }
        }
        return false;
    }
}
