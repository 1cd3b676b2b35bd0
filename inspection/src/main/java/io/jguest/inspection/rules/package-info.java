/**
 * A small Datalog: the language inspection's heuristics are written in, and its evaluator.
 *
 * <p><b>Language.</b> A program is a list of clauses, each ending in {@code .}:
 * <pre>
 * % a comment, to the end of the line
 * package_format_of("debian", "deb").                       % a fact
 * linux_root(Fs) :- mounted(Fs), is_dir(Fs, "/etc"),
 *                   (is_dir(Fs, "/bin") ; is_symlink(Fs, "/bin")),
 *                   not windows_root(Fs).                   % a rule
 * </pre>
 * Predicates are lower-case identifiers ({@code [a-z][a-zA-Z0-9_]*}); variables start with an
 * upper-case letter or {@code _} ({@code _} alone is anonymous, each occurrence distinct); constants
 * are double-quoted strings with {@code \" \\ \n \t} escapes. Every value is a string. A body is built
 * from atoms with {@code ,} (and), {@code ;} (or, lower precedence than {@code ,}), parentheses, and
 * {@code not} before an atom (negation). {@code X = Y} and {@code X != Y} compare values.
 *
 * <p><b>Meaning.</b> Bottom-up evaluation to a fixpoint with stratified negation: a negated atom is
 * consulted only once every fact of its predicate is final, so the order of rules never changes the
 * answer. A program whose negation goes through a cycle is rejected. Rules must be safe: every
 * variable of the head, of a negated atom, of a comparison, and every input argument of a built-in
 * must be bound by a positive atom to its left.
 *
 * <p><b>Built-ins</b> are predicates computed by Java ({@link io.jguest.inspection.rules.Builtin}):
 * given their input arguments they return the matching rows. <b>Inputs</b> are predicates whose
 * facts the caller supplies at evaluation time.
 *
 * <p><b>Explanations.</b> Every derived fact remembers the first rule instance that derived it, so
 * {@link io.jguest.inspection.rules.Model#explain} can print the rule and the facts that matched it.
 *
 * <p>Errors in a program ({@link io.jguest.inspection.rules.RulesException}) name the file, line and column.
 */
package io.jguest.inspection.rules;
