package io.jguest.inspection.rules;

import io.jguest.inspection.rules.Syntax.All;
import io.jguest.inspection.rules.Syntax.Any;
import io.jguest.inspection.rules.Syntax.Atom;
import io.jguest.inspection.rules.Syntax.Body;
import io.jguest.inspection.rules.Syntax.Clause;
import io.jguest.inspection.rules.Syntax.Comparison;
import io.jguest.inspection.rules.Syntax.Literal;
import io.jguest.inspection.rules.Syntax.Negative;
import io.jguest.inspection.rules.Syntax.Positive;
import io.jguest.inspection.rules.Syntax.Term;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns parsed clauses into a {@link Plan}: checks names and arities, splits disjunctions, numbers
 * variables and checks safety (left to right, per alternative), and stratifies the predicates.
 */
final class Compiler {
    /** A rule whose body expands to more alternatives than this is an error. */
    static final int MAX_ALTERNATIVES = 1024;

    /** A compiled alternative before stratification. */
    private record Draft(Atom headAtom, int head, int[] headSlot, String[] headConstant, Goal[] body, int slots,
                         String how) {
    }

    private final String file;
    private final Builtin[] builtins;
    private final Map<String, Integer> builtinIds = new HashMap<>();
    private final Map<String, Integer> inputs;
    private final Map<String, Integer> relations = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<Integer> arities = new ArrayList<>();
    /** Arity of every name seen so far, with where it was first seen ({line, column, arity}). */
    private final Map<String, int[]> firstUse = new HashMap<>();
    private final Set<String> defined = new HashSet<>();
    private final List<Plan.ProgramFact> facts = new ArrayList<>();
    private final List<Draft> drafts = new ArrayList<>();

    private Compiler(String file, List<Builtin> builtins, Map<String, Integer> inputs) {
        this.file = file;
        this.builtins = builtins.toArray(new Builtin[0]);
        this.inputs = inputs;
        for (int i = 0; i < this.builtins.length; i++) {
            Builtin b = this.builtins[i];
            String name = b.name();
            if (!isPredicateName(name) || b.arity() < 0) {
                throw new IllegalArgumentException("built-in " + name + "/" + b.arity() + ": not a valid predicate");
            }
            if (builtinIds.putIfAbsent(name, i) != null) {
                throw new IllegalArgumentException("built-in " + name + " given twice");
            }
        }
        // Inputs get the first relation ids, by name so that ids do not depend on the map's order.
        for (Map.Entry<String, Integer> e : new TreeMap<>(inputs).entrySet()) {
            String name = e.getKey();
            Integer arity = e.getValue();
            if (!isPredicateName(name) || arity == null || arity < 0) {
                throw new IllegalArgumentException("input " + name + "/" + arity + ": not a valid predicate");
            }
            if (builtinIds.containsKey(name)) {
                throw new IllegalArgumentException("input " + name + " is also a built-in");
            }
            relation(name, arity);
        }
    }

    static Plan compile(String file, String text, List<Builtin> builtins, Map<String, Integer> inputs)
            throws RulesException {
        return new Compiler(file, builtins, inputs).run(Parser.parse(file, text));
    }

    private Plan run(List<Clause> clauses) throws RulesException {
        for (Clause c : clauses) {
            String name = c.head().predicate();
            defined.add(name);
            if (!builtinIds.containsKey(name) && !inputs.containsKey(name)) {
                relation(name, c.head().args().size());
            }
        }
        for (Clause c : clauses) {
            clause(c);
        }
        return stratify();
    }

    // ---- names and arities ------------------------------------------------------------------

    private void clause(Clause c) throws RulesException {
        Atom head = c.head();
        if (builtinIds.containsKey(head.predicate())) {
            throw error(head.line(), head.column(), "cannot define built-in predicate " + head.predicate()
                    + " by a " + (c.body() == null ? "fact" : "rule"));
        }
        if (inputs.containsKey(head.predicate())) {
            throw error(head.line(), head.column(), "cannot define input predicate " + head.predicate()
                    + " by a " + (c.body() == null ? "fact" : "rule") + ": its facts come from the caller");
        }
        arity(head);
        int rel = relation(head.predicate(), head.args().size());
        if (c.body() == null) {
            String[] row = new String[head.args().size()];
            for (int j = 0; j < row.length; j++) {
                Term t = head.args().get(j);
                if (t.isVariable()) {
                    throw error(t.line(), t.column(), "fact " + head.predicate() + " has variable " + t.shown()
                            + ": facts must be ground");
                }
                row[j] = t.constant();
            }
            facts.add(new Plan.ProgramFact(rel, row, c.line()));
            return;
        }
        checkAtoms(c.body());
        List<List<Literal>> alternatives = alternatives(c.body(), c);
        String how = "rule at " + file + ":" + c.line() + ": " + c.text();
        for (int k = 0; k < alternatives.size(); k++) {
            String where = alternatives.size() == 1 ? "" : " (alternative " + (k + 1) + " of the body)";
            drafts.add(draft(head, rel, alternatives.get(k), how, where));
        }
    }

    /** Checks every atom of {@code body}, left to right: known predicate, consistent arity. */
    private void checkAtoms(Body body) throws RulesException {
        switch (body) {
            case All all -> {
                for (Body b : all.parts()) {
                    checkAtoms(b);
                }
            }
            case Any any -> {
                for (Body b : any.alternatives()) {
                    checkAtoms(b);
                }
            }
            case Positive p -> known(p.atom());
            case Negative n -> known(n.atom());
            case Comparison ignored -> {
            }
        }
    }

    private void known(Atom a) throws RulesException {
        String name = a.predicate();
        if (!defined.contains(name) && !builtinIds.containsKey(name) && !inputs.containsKey(name)) {
            throw error(a.line(), a.column(), "unknown predicate " + name + "/" + a.args().size()
                    + ": no rule or fact defines it and it is neither a built-in nor an input");
        }
        arity(a);
    }

    private void arity(Atom a) throws RulesException {
        String name = a.predicate();
        int n = a.args().size();
        Integer builtin = builtinIds.get(name);
        if (builtin != null) {
            int expected = builtins[builtin].arity();
            if (n != expected) {
                throw error(a.line(), a.column(), "built-in " + name + " takes " + args(expected) + ", not " + n);
            }
            return;
        }
        Integer input = inputs.get(name);
        if (input != null) {
            if (n != input) {
                throw error(a.line(), a.column(), "input predicate " + name + " has " + args(input) + ", not " + n);
            }
            return;
        }
        int[] first = firstUse.putIfAbsent(name, new int[] {a.line(), a.column(), n});
        if (first != null && first[2] != n) {
            throw error(a.line(), a.column(), "predicate " + name + " used with " + args(n) + " here but with "
                    + first[2] + " at " + file + ":" + first[0] + ":" + first[1]);
        }
    }

    private static String args(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    private int relation(String name, int arity) {
        Integer id = relations.get(name);
        if (id == null) {
            id = names.size();
            relations.put(name, id);
            names.add(name);
            arities.add(arity);
        }
        return id;
    }

    // ---- disjunctions -----------------------------------------------------------------------

    /** The body in disjunctive normal form: its alternatives, each a conjunction in source order. */
    private List<List<Literal>> alternatives(Body body, Clause c) throws RulesException {
        List<List<Literal>> out;
        switch (body) {
            case Literal l -> {
                out = new ArrayList<>(1);
                out.add(List.of(l));
            }
            case Any any -> {
                out = new ArrayList<>();
                for (Body b : any.alternatives()) {
                    out.addAll(alternatives(b, c));
                    limit(out.size(), c);
                }
            }
            case All all -> {
                out = new ArrayList<>();
                out.add(List.of());
                for (Body b : all.parts()) {
                    List<List<Literal>> right = alternatives(b, c);
                    limit((long) out.size() * right.size(), c);
                    List<List<Literal>> product = new ArrayList<>(out.size() * right.size());
                    for (List<Literal> x : out) {
                        for (List<Literal> y : right) {
                            List<Literal> both = new ArrayList<>(x.size() + y.size());
                            both.addAll(x);
                            both.addAll(y);
                            product.add(both);
                        }
                    }
                    out = product;
                }
            }
        }
        return out;
    }

    private void limit(long alternatives, Clause c) throws RulesException {
        if (alternatives > MAX_ALTERNATIVES) {
            throw error(c.line(), c.head().column(), "rule " + c.head().predicate() + " has more than "
                    + MAX_ALTERNATIVES + " alternatives once its ';' are expanded");
        }
    }

    // ---- variables and safety -----------------------------------------------------------------

    private Draft draft(Atom head, int rel, List<Literal> body, String how, String where) throws RulesException {
        Map<String, Integer> slots = new HashMap<>();
        BitSet bound = new BitSet();
        Goal[] goals = new Goal[body.size()];
        for (int i = 0; i < goals.length; i++) {
            goals[i] = switch (body.get(i)) {
                case Positive p -> positive(p.atom(), slots, bound, where);
                case Negative n -> negative(n.atom(), slots, bound, where);
                case Comparison cmp -> comparison(cmp, slots, bound, where);
            };
        }
        int n = head.args().size();
        int[] headSlot = new int[n];
        String[] headConstant = new String[n];
        for (int j = 0; j < n; j++) {
            Term t = head.args().get(j);
            if (t.isVariable()) {
                Integer s = slots.get(t.variable());
                if (s == null || !bound.get(s)) {
                    throw unsafe(t, "in the head is not bound by a positive atom in the body", where);
                }
                headSlot[j] = s;
            } else {
                headSlot[j] = -1;
                headConstant[j] = t.constant();
            }
        }
        return new Draft(head, rel, headSlot, headConstant, goals, slots.size(), how);
    }

    private Goal positive(Atom a, Map<String, Integer> slots, BitSet bound, String where) throws RulesException {
        Integer builtinId = builtinIds.get(a.predicate());
        int n = a.args().size();
        int[] mode = new int[n];
        int[] slot = new int[n];
        String[] constant = new String[n];
        BitSet here = new BitSet();
        for (int j = 0; j < n; j++) {
            Term t = a.args().get(j);
            if (!t.isVariable()) {
                mode[j] = Goal.CONST;
                constant[j] = t.constant();
            } else {
                int s = slot(t, slots);
                slot[j] = s;
                mode[j] = bound.get(s) ? Goal.BOUND : here.get(s) ? Goal.REPEAT : Goal.FREE;
                here.set(s);
            }
            if (builtinId != null && builtins[builtinId].isInput(j) && mode[j] != Goal.CONST && mode[j] != Goal.BOUND) {
                throw unsafe(t, "(input argument " + (j + 1) + " of built-in " + a.predicate()
                        + ") is not bound by a positive atom to its left", where);
            }
        }
        bound.or(here);
        if (builtinId != null) {
            return new Goal(Goal.BUILTIN, builtinId, a.predicate(), mode, slot, constant, a.line(), a.column());
        }
        return new Goal(Goal.ATOM, relations.get(a.predicate()), a.predicate(), mode, slot, constant, a.line(),
                a.column());
    }

    private Goal negative(Atom a, Map<String, Integer> slots, BitSet bound, String where) throws RulesException {
        Integer builtinId = builtinIds.get(a.predicate());
        int n = a.args().size();
        int[] mode = new int[n];
        int[] slot = new int[n];
        String[] constant = new String[n];
        for (int j = 0; j < n; j++) {
            Term t = a.args().get(j);
            if (!t.isVariable()) {
                mode[j] = Goal.CONST;
                constant[j] = t.constant();
            } else if (t.anonymous()) {
                if (builtinId != null && builtins[builtinId].isInput(j)) {
                    throw unsafe(t, "(input argument " + (j + 1) + " of built-in " + a.predicate()
                            + ") is not bound by a positive atom to its left", where);
                }
                mode[j] = Goal.WILD;
            } else {
                Integer s = slots.get(t.variable());
                if (s == null || !bound.get(s)) {
                    throw unsafe(t, "in a negated atom is not bound by a positive atom to its left", where);
                }
                mode[j] = Goal.BOUND;
                slot[j] = s;
            }
        }
        if (builtinId != null) {
            return new Goal(Goal.NOT_BUILTIN, builtinId, a.predicate(), mode, slot, constant, a.line(), a.column());
        }
        return new Goal(Goal.NOT_ATOM, relations.get(a.predicate()), a.predicate(), mode, slot, constant, a.line(),
                a.column());
    }

    private Goal comparison(Comparison c, Map<String, Integer> slots, BitSet bound, String where)
            throws RulesException {
        Term[] sides = {c.left(), c.right()};
        int[] mode = new int[2];
        int[] slot = new int[2];
        String[] constant = new String[2];
        for (int j = 0; j < 2; j++) {
            Term t = sides[j];
            if (!t.isVariable()) {
                mode[j] = Goal.CONST;
                constant[j] = t.constant();
            } else {
                slot[j] = slot(t, slots);
                mode[j] = bound.get(slot[j]) ? Goal.BOUND : Goal.FREE;
            }
        }
        for (int j = 0; j < 2; j++) {
            // '=' binds one unbound side; '!=' binds nothing.
            if (mode[j] == Goal.FREE && (!c.equal() || mode[1 - j] == Goal.FREE)) {
                throw unsafe(sides[j], "in a comparison is not bound by a positive atom to its left", where);
            }
        }
        for (int j = 0; j < 2; j++) {
            if (mode[j] == Goal.FREE) {
                bound.set(slot[j]);
            }
        }
        return new Goal(c.equal() ? Goal.EQ : Goal.NEQ, -1, c.equal() ? "=" : "!=", mode, slot, constant, c.line(),
                c.column());
    }

    private static int slot(Term t, Map<String, Integer> slots) {
        Integer s = slots.get(t.variable());
        if (s == null) {
            s = slots.size();
            slots.put(t.variable(), s);
        }
        return s;
    }

    private RulesException unsafe(Term t, String what, String where) {
        return error(t.line(), t.column(), "unsafe rule: variable " + t.shown() + " " + what + where);
    }

    // ---- stratification ---------------------------------------------------------------------

    private Plan stratify() throws RulesException {
        int n = names.size();
        List<List<Integer>> depends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            depends.add(new ArrayList<>());
        }
        for (Draft d : drafts) {
            for (Goal g : d.body()) {
                if (g.kind == Goal.ATOM || g.kind == Goal.NOT_ATOM) {
                    depends.get(d.head()).add(g.target);
                }
            }
        }
        int[][] edges = new int[n][];
        for (int i = 0; i < n; i++) {
            List<Integer> list = depends.get(i);
            edges[i] = new int[list.size()];
            for (int k = 0; k < edges[i].length; k++) {
                edges[i][k] = list.get(k);
            }
        }
        int[] component = components(edges);
        for (Draft d : drafts) {
            for (Goal g : d.body()) {
                if (g.kind == Goal.NOT_ATOM && component[g.target] == component[d.head()]) {
                    throw error(g.line, g.column, "negation through a recursive cycle: "
                            + cycle(d.head(), g.target, edges, component));
                }
            }
        }
        // Components are numbered dependencies first: evaluate them in that order.
        int count = 0;
        for (int c : component) {
            count = Math.max(count, c + 1);
        }
        List<List<Rule>> byComponent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byComponent.add(new ArrayList<>());
        }
        int maxBody = 0;
        for (Draft d : drafts) {
            int s = component[d.head()];
            int[] recursive = new int[d.body().length];
            int r = 0;
            for (int i = 0; i < d.body().length; i++) {
                Goal g = d.body()[i];
                if (g.kind == Goal.ATOM && component[g.target] == s) {
                    recursive[r++] = i;
                }
            }
            maxBody = Math.max(maxBody, d.body().length);
            byComponent.get(s).add(new Rule(d.how(), d.head(), d.headSlot(), d.headConstant(), d.body(), d.slots(),
                    Arrays.copyOf(recursive, r)));
        }
        List<Rule[]> strata = new ArrayList<>();
        for (List<Rule> rules : byComponent) {
            if (!rules.isEmpty()) {
                strata.add(rules.toArray(new Rule[0]));
            }
        }
        int[] arity = new int[n];
        boolean[] input = new boolean[n];
        for (int i = 0; i < n; i++) {
            arity[i] = arities.get(i);
            input[i] = inputs.containsKey(names.get(i));
        }
        return new Plan(file, names.toArray(new String[0]), arity, input, Map.copyOf(relations), builtins,
                Map.copyOf(builtinIds), List.copyOf(facts), strata.toArray(new Rule[0][]), maxBody);
    }

    /**
     * Strongly connected components of the dependency graph (Tarjan's algorithm, iterative), numbered so
     * that a component comes after every component it depends on.
     */
    static int[] components(int[][] edges) {
        int n = edges.length;
        int[] index = new int[n];
        int[] low = new int[n];
        int[] next = new int[n];
        int[] component = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        int[] stack = new int[n];
        int stackSize = 0;
        int[] calls = new int[n];
        int counter = 0;
        int components = 0;
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            int depth = 0;
            calls[depth++] = root;
            index[root] = low[root] = counter++;
            stack[stackSize++] = root;
            onStack[root] = true;
            while (depth > 0) {
                int v = calls[depth - 1];
                if (next[v] < edges[v].length) {
                    int w = edges[v][next[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[stackSize++] = w;
                        onStack[w] = true;
                        calls[depth++] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                depth--;
                if (depth > 0) {
                    int u = calls[depth - 1];
                    low[u] = Math.min(low[u], low[v]);
                }
                if (low[v] == index[v]) {
                    int w;
                    do {
                        w = stack[--stackSize];
                        onStack[w] = false;
                        component[w] = components;
                    } while (w != v);
                    components++;
                }
            }
        }
        return component;
    }

    /** {@code head depends on not target, target depends on ..., ... depends on head}. */
    private String cycle(int head, int target, int[][] edges, int[] component) {
        StringBuilder b = new StringBuilder(names.get(head)).append(" depends on not ").append(names.get(target));
        if (target == head) {
            return b.toString();
        }
        // Shortest path target -> head inside the component.
        int[] parent = new int[edges.length];
        Arrays.fill(parent, -2);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        parent[target] = -1;
        queue.add(target);
        while (!queue.isEmpty() && parent[head] == -2) {
            int v = queue.poll();
            for (int w : edges[v]) {
                if (parent[w] == -2 && component[w] == component[head]) {
                    parent[w] = v;
                    queue.add(w);
                }
            }
        }
        List<Integer> path = new ArrayList<>();
        for (int v = head; v != -1; v = parent[v]) {
            path.add(v);
        }
        for (int k = path.size() - 1; k > 0; k--) {
            b.append(", ").append(names.get(path.get(k))).append(" depends on ").append(names.get(path.get(k - 1)));
        }
        return b.toString();
    }

    private RulesException error(int line, int column, String what) {
        return new RulesException(file, line, column, what);
    }

    static boolean isPredicateName(String name) {
        if (name == null || name.isEmpty() || !Lexer.isLower(name.charAt(0)) || name.equals("not")) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Lexer.isIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
