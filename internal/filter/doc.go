// Package filter compiles filter expressions (expr-lang syntax, restricted
// to what a report filter may say) against a set of typed fields, into two
// forms that agree on every row:
//
//   - a predicate tree ([Pred]) of comparisons of one field with constants,
//     which the engine evaluates on columns and SQL sources translate to
//     WHERE clauses, with [Expr] leaves for what no comparison expresses;
//   - an expr program, which [Filter.Match] runs on one row.
//
// It knows nothing of conversations or schemas: a caller describes its
// properties as [Fields] and its rows as [Row]. Unknown values follow one
// rule in both forms: a comparison that reads one is false, except != and
// not in, which are true.
package filter
