package io.jguest.inspection.rules;

import java.util.List;

/**
 * Why a fact holds.
 *
 * @param fact     the fact ({@code not p(...)} facts are those of a negated atom that held because
 *                 {@code p(...)} did not)
 * @param how      {@code input}, {@code fact at FILE:LINE}, {@code built-in}, {@code absent} (for a
 *                 negated atom) or {@code rule at FILE:LINE: <the rule's text>} (possibly followed by a
 *                 bracketed note saying why premises are not shown, see {@link Model#explain})
 * @param premises the derivations of the body's atoms, in body order (empty unless a rule)
 */
public record Derivation(String fact, String how, List<Derivation> premises) {
    public Derivation {
        premises = List.copyOf(premises);
    }

    /** One line per derivation, {@code fact   <- how}, premises indented two spaces per level. */
    public String render() {
        StringBuilder b = new StringBuilder();
        render(b, 0);
        return b.toString();
    }

    private void render(StringBuilder b, int depth) {
        b.append("  ".repeat(depth)).append(fact).append("   <- ").append(how).append('\n');
        for (Derivation p : premises) {
            p.render(b, depth + 1);
        }
    }
}
