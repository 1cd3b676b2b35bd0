package io.jguest.api;

/**
 * Why inspection concluded something: the derivation of one conclusion, as printed by
 * {@code guest-inspect --explain}.
 *
 * @param conclusion the derived fact, e.g. {@code distro("/dev/sda2", "debian")}
 * @param text       the derivation: the rule (file:line and its text) and the facts that matched it,
 *                   recursively, one per line, indented by depth
 */
public record Explanation(String conclusion, String text) {
}
