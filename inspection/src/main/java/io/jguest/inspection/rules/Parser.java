package io.jguest.inspection.rules;

import io.jguest.inspection.rules.Lexer.Kind;
import io.jguest.inspection.rules.Lexer.Token;
import io.jguest.inspection.rules.Syntax.All;
import io.jguest.inspection.rules.Syntax.Any;
import io.jguest.inspection.rules.Syntax.Atom;
import io.jguest.inspection.rules.Syntax.Body;
import io.jguest.inspection.rules.Syntax.Clause;
import io.jguest.inspection.rules.Syntax.Comparison;
import io.jguest.inspection.rules.Syntax.Negative;
import io.jguest.inspection.rules.Syntax.Positive;
import io.jguest.inspection.rules.Syntax.Term;
import java.util.ArrayList;
import java.util.List;

/** Recursive descent over the tokens: clauses, bodies ({@code ;} binds looser than {@code ,}), atoms, terms. */
final class Parser {
    /** Parentheses nested deeper than this are an error (keeps the parser's stack small). */
    static final int MAX_NESTING = 64;

    private final String file;
    private final String src;
    private final List<Token> tokens;
    private int next;
    private int anonymous;

    private Parser(String file, String src, List<Token> tokens) {
        this.file = file;
        this.src = src;
        this.tokens = tokens;
    }

    static List<Clause> parse(String file, String src) throws RulesException {
        return new Parser(file, src, Lexer.tokenize(file, src)).program();
    }

    private List<Clause> program() throws RulesException {
        List<Clause> clauses = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            clauses.add(clause());
        }
        return clauses;
    }

    private Clause clause() throws RulesException {
        Token first = peek();
        Atom head = atom("a fact or a rule head");
        Token t = take();
        Body body = null;
        if (t.kind() == Kind.IF) {
            body = disjunction(0);
            t = take();
            if (t.kind() != Kind.DOT) {
                throw unexpected(t, "',', ';' or '.'");
            }
        } else if (t.kind() != Kind.DOT) {
            throw unexpected(t, "'.' or ':-'");
        }
        return new Clause(head, body, first.line(), oneLine(src, first.offset(), t.end()));
    }

    private Body disjunction(int depth) throws RulesException {
        Body first = conjunction(depth);
        if (peek().kind() != Kind.SEMI) {
            return first;
        }
        List<Body> alternatives = new ArrayList<>();
        alternatives.add(first);
        while (peek().kind() == Kind.SEMI) {
            next++;
            alternatives.add(conjunction(depth));
        }
        return new Any(List.copyOf(alternatives));
    }

    private Body conjunction(int depth) throws RulesException {
        Body first = literal(depth);
        if (peek().kind() != Kind.COMMA) {
            return first;
        }
        List<Body> parts = new ArrayList<>();
        parts.add(first);
        while (peek().kind() == Kind.COMMA) {
            next++;
            parts.add(literal(depth));
        }
        return new All(List.copyOf(parts));
    }

    private Body literal(int depth) throws RulesException {
        Token t = peek();
        switch (t.kind()) {
            case LPAREN -> {
                if (depth >= MAX_NESTING) {
                    throw error(t, "parentheses nested deeper than " + MAX_NESTING);
                }
                next++;
                Body inner = disjunction(depth + 1);
                expect(Kind.RPAREN, "',', ';' or ')'");
                return inner;
            }
            case NOT -> {
                next++;
                if (peek().kind() == Kind.LPAREN) {
                    next++;
                    Atom a = atom("an atom after " + t.text());
                    expect(Kind.RPAREN, "')'");
                    return new Negative(a);
                }
                return new Negative(atom("an atom after " + t.text()));
            }
            case NAME -> {
                return new Positive(atom("an atom"));
            }
            case VARIABLE, STRING -> {
                Term left = term();
                Token op = take();
                if (op.kind() != Kind.EQ && op.kind() != Kind.NEQ) {
                    throw unexpected(op, "'=' or '!=' after " + (left.isVariable() ? "a variable" : "a string"));
                }
                Term right = term();
                return new Comparison(op.kind() == Kind.EQ, left, right, op.line(), op.column());
            }
            default -> throw unexpected(t, "an atom, a comparison, 'not' or '('");
        }
    }

    private Atom atom(String what) throws RulesException {
        Token name = take();
        if (name.kind() != Kind.NAME) {
            throw unexpected(name, what);
        }
        List<Term> args = List.of();
        if (peek().kind() == Kind.LPAREN) {
            next++;
            if (peek().kind() == Kind.RPAREN) {
                next++;
            } else {
                List<Term> list = new ArrayList<>(4);
                list.add(term());
                while (peek().kind() == Kind.COMMA) {
                    next++;
                    list.add(term());
                }
                expect(Kind.RPAREN, "',' or ')'");
                args = List.copyOf(list);
            }
        }
        return new Atom(name.text(), args, name.line(), name.column());
    }

    private Term term() throws RulesException {
        Token t = take();
        if (t.kind() == Kind.VARIABLE) {
            if (t.text().equals("_")) {
                return new Term("_#" + (anonymous++), null, true, t.line(), t.column());
            }
            return new Term(t.text(), null, false, t.line(), t.column());
        }
        if (t.kind() == Kind.STRING) {
            return new Term(null, t.text(), false, t.line(), t.column());
        }
        throw unexpected(t, "a variable or a string");
    }

    private void expect(Kind kind, String what) throws RulesException {
        Token t = take();
        if (t.kind() != kind) {
            throw unexpected(t, what);
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind() != Kind.EOF) {
            next++;
        }
        return t;
    }

    private RulesException unexpected(Token t, String expected) {
        return error(t, "syntax error: expected " + expected + ", found " + t.describe());
    }

    private RulesException error(Token t, String what) {
        return new RulesException(file, t.line(), t.column(), what);
    }

    /** {@code src[from, to)} on one line: comments dropped, whitespace runs outside strings made one space. */
    static String oneLine(String src, int from, int to) {
        StringBuilder b = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char c = src.charAt(i);
            if (c == '"') {
                int j = i + 1;
                while (j < to && src.charAt(j) != '"') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, to);
                b.append(src, i, j);
                i = j;
            } else if (c == '%') {
                while (i < to && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                if (!b.isEmpty() && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
                i++;
            } else {
                b.append(c);
                i++;
            }
        }
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == ' ') {
            end--;
        }
        b.setLength(end);
        return b.toString();
    }
}
