package filter

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Op is the operator of a [Pred]. Leaf semantics, for the field's value v
// on a row (see [Row.Value]):
//
//	Eq, In, Lt, Le, Gt, Ge, Contains, Prefix, Suffix
//	        false when v is unknown, else the comparison
//	Ne, NotIn
//	        true when v is unknown, else the comparison (Ne == not Eq)
//	Known, Unknown
//	        whether v is known
//
// Values in Vals, by the field's kind: string (String, Enum), float64
// (Number), bool (Bool), time.Duration (Duration), TimeLit (Time; resolve
// it once per query with At). Times compare as instants (time.Time.Equal,
// Before); float64 comparisons follow Go (a NaN matches nothing but Ne).
// Strings compare byte-wise and case-sensitively. Lt…Ge hold float64,
// time.Duration or TimeLit only (string order stays in Expr).
type Op int

// The predicate operators.
const (
	True     Op = iota // matches everything
	False              // matches nothing
	And                // all kids
	Or                 // any kid
	Not                // kids[0] is false
	Eq                 // v == vals[0]
	Ne                 // v != vals[0] (unknown passes)
	In                 // v is one of vals
	NotIn              // v is none of vals (unknown passes)
	Lt                 // v < vals[0]
	Le                 // v <= vals[0]
	Gt                 // v > vals[0]
	Ge                 // v >= vals[0]
	Known              // v is known
	Unknown            // v is unknown
	Contains           // v contains vals[0] (a string)
	Prefix             // v starts with vals[0]
	Suffix             // v ends with vals[0]
	Expr               // Res decides: a sub-expression run on the expr VM
	// Range is Vals[0] ≤ v < Vals[1], on times. The compiler never builds
	// it: the engine adds it for a report's date range.
	Range
)

var predOpNames = [...]string{
	True: "true", False: "false", And: "and", Or: "or", Not: "not",
	Eq: "eq", Ne: "ne", In: "in", NotIn: "notin",
	Lt: "lt", Le: "le", Gt: "gt", Ge: "ge",
	Known: "known", Unknown: "unknown",
	Contains: "contains", Prefix: "prefix", Suffix: "suffix", Expr: "expr", Range: "range",
}

func (op Op) String() string {
	if op >= 0 && int(op) < len(predOpNames) {
		return predOpNames[op]
	}
	return "Op(" + strconv.Itoa(int(op)) + ")"
}

// Pred is one node of a filter's predicate tree.
type Pred struct {
	Op    Op
	Field Field // the property a leaf tests
	Vals  []any
	Kids  []*Pred
	Res   *Residual // Expr only
}

// String writes the tree for tests and debugging:
// and(eq(Channel, "chat"), expr(lower(Subject) contains "refund")).
func (p *Pred) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p *Pred) write(b *strings.Builder) {
	b.WriteString(p.Op.String())
	switch p.Op {
	case True, False:
		return
	case And, Or, Not:
		b.WriteByte('(')
		for i, k := range p.Kids {
			if i > 0 {
				b.WriteString(", ")
			}
			k.write(b)
		}
		b.WriteByte(')')
		return
	case Expr:
		b.WriteString("(" + p.Res.Text + ")")
		return
	}
	b.WriteString("(" + p.Field.Name)
	if p.Op == In || p.Op == NotIn {
		b.WriteString(", [")
		for i, v := range p.Vals {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(valueText(v))
		}
		b.WriteString("]")
	} else {
		for _, v := range p.Vals {
			b.WriteString(", " + valueText(v))
		}
	}
	b.WriteByte(')')
}

// Key is a canonical text of a bound tree (one whose times are instants,
// see TimeLit.At): trees with equal keys select the same rows, so a
// dashboard evaluates each distinct filter once.
func (p *Pred) Key() string {
	return string(p.appendKey(make([]byte, 0, 64)))
}

// appendKey appends p's key to b. Every run prepares its leaves by key, so
// the common values are written without fmt.
func (p *Pred) appendKey(b []byte) []byte {
	b = append(b, '(')
	b = strconv.AppendInt(b, int64(p.Op), 10)
	if p.Field.Name != "" {
		b = append(b, ' ')
		b = append(b, p.Field.Name...)
	}
	for _, v := range p.Vals {
		switch v := v.(type) {
		case time.Time:
			b = append(b, " t"...)
			b = strconv.AppendInt(b, v.UnixNano(), 10)
		case string:
			b = append(b, " s:"...)
			b = strconv.AppendQuote(b, v)
		case float64:
			b = append(b, " f:"...)
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		case bool:
			b = append(b, " b:"...)
			b = strconv.AppendBool(b, v)
		case time.Duration:
			b = append(b, " d:"...)
			b = strconv.AppendInt(b, int64(v), 10)
		default:
			b = fmt.Appendf(b, " %T:%q", v, fmt.Sprint(v))
		}
	}
	if p.Res != nil {
		b = fmt.Appendf(b, " r%p", p.Res)
	}
	for _, k := range p.Kids {
		b = append(b, ' ')
		b = k.appendKey(b)
	}
	return append(b, ')')
}

func valueText(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Duration:
		return fmt.Sprintf("duration(%q)", v.String())
	case TimeLit:
		return v.String()
	}
	return fmt.Sprint(v)
}

// TimeLit is a time constant of a filter that may depend on the query: an
// absolute instant, a wall-clock time in the query's zone, now(), or
// daysAgo(n), plus a fixed offset (now() - duration("1h")).
type TimeLit struct {
	kind   timeLitKind
	abs    time.Time // litAbs: the instant; litWall: the wall clock, in UTC
	days   int       // litDaysAgo
	offset time.Duration
}

type timeLitKind uint8

const (
	litAbs     timeLitKind = iota // date("2025-03-01T10:00:00Z")
	litWall                       // date("2025-03-01"), date("2025-03-01T10:00") in the query's zone
	litNow                        // now()
	litDaysAgo                    // daysAgo(n): midnight n days before today in the query's zone
)

// At resolves t for a query.
func (t TimeLit) At(env Env) time.Time {
	var b time.Time
	switch t.kind {
	case litAbs:
		b = t.abs
	case litWall:
		w := t.abs
		b = civil.FirstInstant(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), env.zone())
	case litNow:
		b = env.now()
	case litDaysAgo:
		// Today as the date presets see it, so that daysAgo(1) is where
		// "yesterday" starts.
		today, _ := civil.UnitStart(env.now(), civil.Day, env.zone(), time.Monday)
		b = today.AddDays(-t.days).Start(env.zone())
	}
	return b.Add(t.offset)
}

// DateOnly returns the date t stands for, at midnight UTC, when t is a
// whole date in the query's zone (date("2025-03-01")).
func (t TimeLit) DateOnly() (time.Time, bool) {
	w := t.abs
	return w, t.kind == litWall && w.Equal(time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC))
}

// Before reports whether t is before u whatever the query, and whether
// that can be known without one (both absolute, or both wall clock).
func (t TimeLit) Before(u TimeLit) (before, known bool) {
	if t.kind != u.kind || (t.kind != litAbs && t.kind != litWall) || t.offset != 0 || u.offset != 0 {
		return false, false
	}
	return t.abs.Before(u.abs), true
}

// String writes t as expression text.
func (t TimeLit) String() string {
	var s string
	switch t.kind {
	case litAbs:
		s = fmt.Sprintf("date(%q)", t.abs.Format(time.RFC3339Nano))
	case litWall:
		if _, ok := t.DateOnly(); ok {
			s = fmt.Sprintf("date(%q)", t.abs.Format("2006-01-02"))
		} else {
			s = fmt.Sprintf("date(%q)", t.abs.Format("2006-01-02T15:04:05.999999999"))
		}
	case litNow:
		s = "now()"
	case litDaysAgo:
		s = fmt.Sprintf("daysAgo(%d)", t.days)
	}
	switch {
	case t.offset > 0:
		s += fmt.Sprintf(" + duration(%q)", t.offset.String())
	case t.offset < 0:
		s += fmt.Sprintf(" - duration(%q)", (-t.offset).String())
	}
	return s
}

// Residual is a sub-expression the native shapes cannot express, compiled
// on its own; it follows the same unknown-value rules as the whole filter.
type Residual struct {
	Text string // for people: the sub-expression
	prog *program
}

// Match evaluates the sub-expression on row.
func (r *Residual) Match(row Row, env Env) (bool, error) {
	return r.prog.run(row, env)
}

// Fields lists the fields the sub-expression reads.
func (r *Residual) Fields() []Field {
	out := make([]Field, len(r.prog.props))
	for i, s := range r.prog.props {
		out[i] = s.p
	}
	return out
}

// Eval evaluates the tree on one row, the reference for the columnar path.
// It evaluates kids left to right and stops early, like the expr program.
func (p *Pred) Eval(row Row, env Env) (bool, error) {
	switch p.Op {
	case True:
		return true, nil
	case False:
		return false, nil
	case And:
		for _, k := range p.Kids {
			if ok, err := k.Eval(row, env); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case Or:
		for _, k := range p.Kids {
			if ok, err := k.Eval(row, env); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case Not:
		ok, err := p.Kids[0].Eval(row, env)
		return !ok && err == nil, err
	case Expr:
		return p.Res.Match(row, env)
	}
	v, known, err := row.Value(p.Field)
	if err != nil {
		return false, err
	}
	switch p.Op {
	case Known:
		return known, nil
	case Unknown:
		return !known, nil
	case Ne:
		return !known || !equalValue(v, p.Vals[0], env), nil
	case NotIn:
		return !known || !inValues(v, p.Vals, env), nil
	}
	if !known {
		return false, nil
	}
	switch p.Op {
	case Eq:
		return equalValue(v, p.Vals[0], env), nil
	case In:
		return inValues(v, p.Vals, env), nil
	case Lt, Le, Gt, Ge:
		return compareValue(p.Op, v, p.Vals[0], env), nil
	case Contains:
		return strings.Contains(v.(string), p.Vals[0].(string)), nil
	case Prefix:
		return strings.HasPrefix(v.(string), p.Vals[0].(string)), nil
	case Suffix:
		return strings.HasSuffix(v.(string), p.Vals[0].(string)), nil
	}
	return false, fmt.Errorf("convreport: filter: unknown predicate %v", p.Op)
}

func equalValue(v, w any, env Env) bool {
	switch w := w.(type) {
	case string:
		return v.(string) == w
	case float64:
		return v.(float64) == w
	case bool:
		return v.(bool) == w
	case time.Duration:
		return v.(time.Duration) == w
	case TimeLit:
		return v.(time.Time).Equal(w.At(env))
	}
	return false
}

func inValues(v any, ws []any, env Env) bool {
	for _, w := range ws {
		if equalValue(v, w, env) {
			return true
		}
	}
	return false
}

func compareValue(op Op, v, w any, env Env) bool {
	switch w := w.(type) {
	case float64:
		return compareOrdered(op, v.(float64), w)
	case time.Duration:
		return compareOrdered(op, v.(time.Duration), w)
	case TimeLit:
		a, b := v.(time.Time), w.At(env)
		switch op {
		case Lt:
			return a.Before(b)
		case Le:
			return !a.After(b)
		case Gt:
			return a.After(b)
		case Ge:
			return !a.Before(b)
		}
	}
	return false
}

func compareOrdered[T float64 | time.Duration](op Op, a, b T) bool {
	switch op {
	case Lt:
		return a < b
	case Le:
		return a <= b
	case Gt:
		return a > b
	case Ge:
		return a >= b
	}
	return false
}

// Building the plan.

func constPred(b bool) *Pred {
	if b {
		return &Pred{Op: True}
	}
	return &Pred{Op: False}
}

// notPred negates p, folding constants, double negation and the exact
// complements (eq/ne, in/notin, known/unknown).
func notPred(p *Pred) *Pred {
	complement := map[Op]Op{
		True: False, False: True,
		Eq: Ne, Ne: Eq, In: NotIn, NotIn: In, Known: Unknown, Unknown: Known,
	}
	if op, ok := complement[p.Op]; ok {
		q := *p
		q.Op = op
		return &q
	}
	if p.Op == Not {
		return p.Kids[0]
	}
	return &Pred{Op: Not, Kids: []*Pred{p}}
}

// joinPred builds an and (op And) or an or (Or), flattening nested ones
// and folding constants.
func joinPred(op Op, ps ...*Pred) *Pred {
	absorb, neutral := False, True
	if op == Or {
		absorb, neutral = True, False
	}
	var kids []*Pred
	for _, p := range ps {
		switch p.Op {
		case absorb:
			return constPred(op == Or)
		case neutral:
			continue
		case op:
			kids = append(kids, p.Kids...)
		default:
			kids = append(kids, p)
		}
	}
	switch len(kids) {
	case 0:
		return constPred(op == And)
	case 1:
		return kids[0]
	}
	return &Pred{Op: op, Kids: kids}
}

// plan builds the predicate tree of a resolved, type-checked node.
func (fc *filterCompiler) plan(n ast.Node) (*Pred, error) {
	switch n := n.(type) {
	case *ast.BoolNode:
		return constPred(n.Value), nil
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			k, err := fc.plan(n.Node)
			if err != nil {
				return nil, err
			}
			return notPred(k), nil
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "&&", "and", "||", "or":
			l, err := fc.plan(n.Left)
			if err != nil {
				return nil, err
			}
			r, err := fc.plan(n.Right)
			if err != nil {
				return nil, err
			}
			if n.Operator == "&&" || n.Operator == "and" {
				return joinPred(And, l, r), nil
			}
			return joinPred(Or, l, r), nil
		}
		if p := fc.leaf(n); p != nil {
			return p, nil
		}
	case *ast.IdentifierNode:
		if p, ok := fc.prop(n); ok && p.Kind == KindBool {
			return &Pred{Op: Eq, Field: p, Vals: []any{true}}, nil
		}
	}
	if !fc.reads(n) {
		if v, ok := fc.constValue(n); ok {
			if b, ok := v.(bool); ok {
				return constPred(b), nil
			}
		}
	}
	prog, err := fc.compile(n)
	if err != nil {
		return nil, err
	}
	return &Pred{Op: Expr, Res: &Residual{Text: fc.display(n), prog: prog}}, nil
}

var flipped = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

var leafOps = map[string]Op{
	"==": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge,
	"contains": Contains, "startsWith": Prefix, "endsWith": Suffix,
}

// leaf recognises a property compared with a constant, or nil.
func (fc *filterCompiler) leaf(n *ast.BinaryNode) *Pred {
	if p, ok := nilTest(fc, n); ok {
		if n.Operator == "==" {
			return &Pred{Op: Unknown, Field: p}
		}
		return &Pred{Op: Known, Field: p}
	}
	op := n.Operator
	p, ok := fc.prop(n.Left)
	other := n.Right
	if !ok {
		if p, ok = fc.prop(n.Right); !ok || flipped[op] == "" {
			return nil
		}
		op, other = flipped[op], n.Left
	}
	switch op {
	case "==", "!=":
		if v, ok := fc.constant(other, p.Kind); ok {
			return &Pred{Op: leafOps[op], Field: p, Vals: []any{v}}
		}
	case "<", "<=", ">", ">=":
		if p.Kind != KindNumber && p.Kind != KindDuration && p.Kind != KindTime {
			return nil
		}
		if v, ok := fc.constant(other, p.Kind); ok {
			return &Pred{Op: leafOps[op], Field: p, Vals: []any{v}}
		}
	case "in":
		arr, ok := other.(*ast.ArrayNode)
		if !ok {
			return nil
		}
		vals := make([]any, 0, len(arr.Nodes))
		for _, e := range arr.Nodes {
			v, ok := fc.constant(e, p.Kind)
			if !ok {
				return nil
			}
			vals = append(vals, v)
		}
		if len(vals) == 0 {
			return &Pred{Op: False}
		}
		return &Pred{Op: In, Field: p, Vals: vals}
	case "contains", "startsWith", "endsWith":
		if p.Kind != KindString && p.Kind != KindEnum {
			return nil
		}
		if v, ok := fc.constant(other, KindString); ok {
			return &Pred{Op: leafOps[op], Field: p, Vals: []any{v}}
		}
	}
	return nil
}

// constant returns the value of a constant node as the plan holds it for a
// property of kind k, or false when n is not a constant of that kind.
func (fc *filterCompiler) constant(n ast.Node, k Kind) (any, bool) {
	if k == KindTime {
		t, ok := fc.timeConstant(n)
		return t, ok
	}
	var v any
	switch n := n.(type) {
	case *ast.StringNode:
		v = n.Value
	case *ast.IntegerNode:
		v = n.Value
	case *ast.FloatNode:
		v = n.Value
	case *ast.BoolNode:
		v = n.Value
	case *ast.ConstantNode:
		v = n.Value
	default:
		if fc.reads(n) {
			return nil, false
		}
		var ok bool
		if v, ok = fc.constValue(n); !ok {
			return nil, false
		}
	}
	switch k {
	case KindString, KindEnum:
		s, ok := v.(string)
		return s, ok
	case KindNumber:
		switch x := v.(type) {
		case int:
			return float64(x), true
		case float64:
			return x, true
		}
	case KindBool:
		b, ok := v.(bool)
		return b, ok
	case KindDuration:
		d, ok := v.(time.Duration)
		return d, ok
	}
	return nil, false
}

// timeConstant recognises a time literal, possibly plus or minus constant
// durations.
func (fc *filterCompiler) timeConstant(n ast.Node) (TimeLit, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if i, err := strconv.Atoi(strings.TrimPrefix(n.Value, timePrefix)); err == nil && strings.HasPrefix(n.Value, timePrefix) {
			return fc.lits[i], true
		}
	case *ast.BinaryNode:
		if n.Operator != "+" && n.Operator != "-" {
			return TimeLit{}, false
		}
		t, ok := fc.timeConstant(n.Left)
		dn := n.Right
		if !ok && n.Operator == "+" {
			t, ok = fc.timeConstant(n.Right)
			dn = n.Left
		}
		if !ok {
			return TimeLit{}, false
		}
		d, ok := fc.constant(dn, KindDuration)
		if !ok {
			return TimeLit{}, false
		}
		if n.Operator == "-" {
			t.offset -= d.(time.Duration)
		} else {
			t.offset += d.(time.Duration)
		}
		return t, true
	}
	return TimeLit{}, false
}

// reads reports whether n reads a property or a query-dependent time.
func (fc *filterCompiler) reads(n ast.Node) bool {
	found := false
	ast.Walk(&n, identVisitor(func(string) { found = true }))
	return found
}

// constValue evaluates a subtree that reads nothing, at compile time.
func (fc *filterCompiler) constValue(n ast.Node) (any, bool) {
	p, err := fc.compile(n)
	if err != nil {
		return nil, false
	}
	v, err := vm.Run(p.prog, map[string]any{})
	return v, err == nil
}

// display writes a resolved subtree back as expression text.
func (fc *filterCompiler) display(n ast.Node) string {
	var copyNode func(n ast.Node) ast.Node
	copyNode = func(n ast.Node) ast.Node {
		switch n := n.(type) {
		case *ast.IdentifierNode:
			if t, ok := fc.timeConstant(n); ok {
				return &ast.IdentifierNode{Value: t.String()}
			}
		case *ast.ConstantNode:
			if d, ok := n.Value.(time.Duration); ok {
				return &ast.IdentifierNode{Value: fmt.Sprintf("duration(%q)", d.String())}
			}
		case *ast.UnaryNode:
			return &ast.UnaryNode{Operator: n.Operator, Node: copyNode(n.Node)}
		case *ast.BinaryNode:
			return &ast.BinaryNode{Operator: n.Operator, Left: copyNode(n.Left), Right: copyNode(n.Right)}
		case *ast.PredicateNode:
			return &ast.PredicateNode{Node: copyNode(n.Node)}
		case *ast.ConditionalNode:
			return &ast.ConditionalNode{Ternary: n.Ternary, Cond: copyNode(n.Cond), Exp1: copyNode(n.Exp1), Exp2: copyNode(n.Exp2)}
		case *ast.ArrayNode:
			a := &ast.ArrayNode{Nodes: make([]ast.Node, len(n.Nodes))}
			for i, e := range n.Nodes {
				a.Nodes[i] = copyNode(e)
			}
			return a
		case *ast.BuiltinNode:
			b := &ast.BuiltinNode{Name: n.Name, Arguments: make([]ast.Node, len(n.Arguments))}
			for i, e := range n.Arguments {
				b.Arguments[i] = copyNode(e)
			}
			return b
		}
		return n
	}
	return copyNode(n).String()
}
