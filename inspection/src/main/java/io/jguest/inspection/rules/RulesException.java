package io.jguest.inspection.rules;

/**
 * An error in a rules program: a syntax error, an unknown predicate, a wrong arity, an unsafe rule
 * or negation through a cycle. The message starts with {@code file:line:column: }.
 */
public final class RulesException extends Exception {
    private final String file;
    private final int line;
    private final int column;

    public RulesException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() {
        return file;
    }

    /** 1-based. */
    public int line() {
        return line;
    }

    /** 1-based. */
    public int column() {
        return column;
    }
}
