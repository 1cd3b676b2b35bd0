package io.jguest.cli.bootanalysis;

import io.jguest.cli.Main;

/** {@code boot-analysis} (scripts/boot-analysis runs this class). */
public final class BootAnalysisMain {
    private BootAnalysisMain() {
    }

    public static void main(String... args) {
        Main.runAndExit(BootAnalysisCommand.class, args);
    }
}
