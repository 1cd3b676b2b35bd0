package io.jguest.inspection.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** A built-in for tests: computes rows with a function and records every call it receives. */
final class TestBuiltin implements Builtin {
    private final String name;
    private final int arity;
    private final boolean[] input;
    private final Function<List<String>, List<List<String>>> rows;
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

    TestBuiltin(String name, int arity, boolean[] input, Function<List<String>, List<List<String>>> rows) {
        this.name = name;
        this.arity = arity;
        this.input = input.clone();
        this.rows = rows;
    }

    /** {@code upper(In, Out)}: Out is In in upper case; In is an input. */
    static TestBuiltin upper() {
        return new TestBuiltin("upper", 2, new boolean[] {true, false},
                a -> List.of(List.of(a.get(0), a.get(0).toUpperCase())));
    }

    /** {@code exists(Path)}: holds for paths that start with "/etc"; Path is an input. */
    static TestBuiltin exists() {
        return new TestBuiltin("exists", 1, new boolean[] {true},
                a -> a.get(0).startsWith("/etc") ? List.of(List.of(a.get(0))) : List.of());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int arity() {
        return arity;
    }

    @Override
    public boolean isInput(int position) {
        return input[position];
    }

    @Override
    public List<List<String>> call(List<String> args) {
        calls.add(new ArrayList<>(args));
        return rows.apply(args);
    }
}
