package io.jguest.inspection.rules;

import java.util.ArrayList;
import java.util.List;

/** Splits a rules program into tokens, each with its line and column. No regular expressions. */
final class Lexer {
    enum Kind {
        NAME("a predicate name"), VARIABLE("a variable"), STRING("a string"), LPAREN("'('"), RPAREN("')'"),
        COMMA("','"), SEMI("';'"), DOT("'.'"), IF("':-'"), EQ("'='"), NEQ("'!='"), NOT("'not'"), EOF("end of file");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /**
     * One token. {@code text} is the identifier for names and variables, the decoded value for strings.
     * {@code offset}/{@code end} delimit it in the source.
     */
    record Token(Kind kind, String text, int line, int column, int offset, int end) {
        String describe() {
            return switch (kind) {
                case NAME -> "'" + text + "'";
                case VARIABLE -> "variable " + text;
                case STRING -> "a string";
                default -> kind.description;
            };
        }
    }

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    static List<Token> tokenize(String file, String src) throws RulesException {
        return new Lexer(file, src).run();
    }

    private List<Token> run() throws RulesException {
        List<Token> out = new ArrayList<>(src.length() / 4 + 8);
        int n = src.length();
        while (true) {
            skipBlanks();
            if (pos >= n) {
                out.add(new Token(Kind.EOF, "", line, pos - lineStart + 1, pos, pos));
                return out;
            }
            int start = pos;
            int col = pos - lineStart + 1;
            char c = src.charAt(pos);
            Kind single = switch (c) {
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case ',' -> Kind.COMMA;
                case ';' -> Kind.SEMI;
                case '.' -> Kind.DOT;
                case '=' -> Kind.EQ;
                default -> null;
            };
            if (single != null) {
                pos++;
                out.add(new Token(single, String.valueOf(c), line, col, start, pos));
            } else if (c == ':' || c == '!' || c == '\\') {
                char want = c == ':' ? '-' : c == '!' ? '=' : '+';
                if (pos + 1 >= n || src.charAt(pos + 1) != want) {
                    throw error(line, col, "unexpected character '" + c + "' (did you mean '" + c + want + "'?)");
                }
                pos += 2;
                Kind k = c == ':' ? Kind.IF : c == '!' ? Kind.NEQ : Kind.NOT;
                out.add(new Token(k, src.substring(start, pos), line, col, start, pos));
            } else if (c == '"') {
                out.add(string(col));
            } else if (isLower(c) || isUpper(c) || c == '_') {
                pos++;
                while (pos < n && isIdentifierPart(src.charAt(pos))) {
                    pos++;
                }
                String word = src.substring(start, pos);
                Kind k = isLower(c) ? (word.equals("not") ? Kind.NOT : Kind.NAME) : Kind.VARIABLE;
                out.add(new Token(k, word, line, col, start, pos));
            } else if (c >= '0' && c <= '9') {
                throw error(line, col, "unexpected character '" + c + "' (constants are double-quoted strings)");
            } else {
                throw error(line, col, "unexpected character " + printable(c));
            }
        }
    }

    private void skipBlanks() {
        int n = src.length();
        while (pos < n) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '%') {
                while (pos < n && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Token string(int col) throws RulesException {
        int start = pos;
        int n = src.length();
        pos++;
        StringBuilder b = null;
        int chunk = pos;
        while (true) {
            if (pos >= n || src.charAt(pos) == '\n') {
                throw error(line, col, "unterminated string");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                String value;
                if (b == null) {
                    value = src.substring(chunk, pos);
                } else {
                    value = b.append(src, chunk, pos).toString();
                }
                pos++;
                return new Token(Kind.STRING, value, line, col, start, pos);
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(src, chunk, pos);
                char e = pos + 1 < n ? src.charAt(pos + 1) : '\n';
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case '\n' -> throw error(line, col, "unterminated string");
                    default -> throw error(line, pos - lineStart + 1,
                            "unknown escape \\" + e + " in string (known: \\\" \\\\ \\n \\t)");
                }
                pos += 2;
                chunk = pos;
            } else {
                pos++;
            }
        }
    }

    private RulesException error(int l, int c, String what) {
        return new RulesException(file, l, c, what);
    }

    private static String printable(char c) {
        return c >= ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isIdentifierPart(char c) {
        return isLower(c) || isUpper(c) || (c >= '0' && c <= '9') || c == '_';
    }
}
