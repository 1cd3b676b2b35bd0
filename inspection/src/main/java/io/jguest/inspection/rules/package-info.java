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
 * {@code not} (or {@code \+}) before an atom (negation). {@code X = Y} and {@code X != Y} compare values;
 * either side is a variable or a constant, and {@code =} with one side unbound binds it. A predicate
 * without arguments is written {@code p} or {@code p()}; {@code not} is reserved. In a negated atom,
 * {@code _} stands for any value: {@code not edge(X, _)} holds when there is no edge from {@code X}.
 *
 * <p><b>Meaning.</b> Bottom-up evaluation to a fixpoint with stratified negation: a negated atom is
 * consulted only once every fact of its predicate is final, so the order of rules never changes the
 * answer. A program whose negation goes through a cycle is rejected. Rules must be safe: every
 * variable of the head, of a negated atom, of a comparison, and every input argument of a built-in
 * must be bound by a positive atom to its left (or by an {@code =} to its left), in each alternative of
 * the body.
 *
 * <p><b>Evaluation.</b> Predicates are grouped into strata (the strongly connected components of the
 * dependency graph, dependencies first); each stratum is evaluated bottom-up to its fixpoint,
 * semi-naively (each round joins only what the previous round added), with hash indexes on the first
 * known argument of each atom. Disjunctions are split into one rule per alternative. Nothing recurses in
 * Java in proportion to the data.
 *
 * <p><b>Built-ins</b> are predicates computed by Java ({@link io.jguest.inspection.rules.Builtin}):
 * given their input arguments they return the matching rows. Each distinct call (argument list, with
 * null where unbound) is made once per evaluation. A negated built-in holds when the call returns no
 * matching row. <b>Inputs</b> are predicates whose facts the caller supplies at evaluation time.
 *
 * <p><b>Explanations.</b> Every derived fact remembers the first rule instance that derived it, so
 * {@link io.jguest.inspection.rules.Model#explain} can print the rule and the facts that matched it.
 * Explanations stay small: a derived fact already explained earlier in the same tree, or deeper than 30
 * levels, is shown without its premises.
 *
 * <p>Errors in a program ({@link io.jguest.inspection.rules.RulesException}) name the file, line and column.
 */
package io.jguest.inspection.rules;
