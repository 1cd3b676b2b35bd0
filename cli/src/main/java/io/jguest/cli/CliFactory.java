package io.jguest.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * picocli factory that hands the run's {@link Cli} to every command and mixin with a
 * {@code (Cli)} constructor; other classes come from picocli's default factory.
 */
public class CliFactory implements CommandLine.IFactory {
    private final Cli cli;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    public CliFactory(Cli cli) {
        this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        for (Constructor<?> c : cls.getDeclaredConstructors()) {
            Class<?>[] params = c.getParameterTypes();
            if (params.length == 1 && params[0] == Cli.class) {
                c.setAccessible(true);
                return cls.cast(c.newInstance(cli));
            }
        }
        return fallback.create(cls);
    }
}
