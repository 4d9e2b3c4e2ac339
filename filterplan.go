package convreport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// The native plan of a filter: a tree of predicates on single properties
// that a columnar engine evaluates without the expr VM, with pExpr leaves
// for what the shapes below cannot express.
//
// Leaf semantics, for the property's value v on a row (see rowValue):
//
//	pEq, pIn, pLt, pLe, pGt, pGe, pContains, pPrefix, pSuffix
//	        false when v is unknown, else the comparison
//	pNe, pNotIn
//	        true when v is unknown, else the comparison (pNe == not pEq)
//	pKnown, pUnknown
//	        whether v is known
//
// Values in vals, by the property's kind: string (String, Enum), float64
// (Number), bool (Bool), time.Duration (Duration), timeLit (Time; resolve
// it once per query with at). Times compare as instants (time.Time.Equal,
// Before); float64 comparisons follow Go (a NaN matches nothing but pNe).
// Strings compare byte-wise and case-sensitively. pLt…pGe hold float64,
// time.Duration or timeLit only (string order stays in pExpr).
type predOp int

// The predicate operators.
const (
	pTrue     predOp = iota // matches everything
	pFalse                  // matches nothing
	pAnd                    // all kids
	pOr                     // any kid
	pNot                    // kids[0] is false
	pEq                     // v == vals[0]
	pNe                     // v != vals[0] (unknown passes)
	pIn                     // v is one of vals
	pNotIn                  // v is none of vals (unknown passes)
	pLt                     // v < vals[0]
	pLe                     // v <= vals[0]
	pGt                     // v > vals[0]
	pGe                     // v >= vals[0]
	pKnown                  // v is known
	pUnknown                // v is unknown
	pContains               // v contains vals[0] (a string)
	pPrefix                 // v starts with vals[0]
	pSuffix                 // v ends with vals[0]
	pExpr                   // res decides: a sub-expression run on the expr VM
)

var predOpNames = [...]string{
	pTrue: "true", pFalse: "false", pAnd: "and", pOr: "or", pNot: "not",
	pEq: "eq", pNe: "ne", pIn: "in", pNotIn: "notin",
	pLt: "lt", pLe: "le", pGt: "gt", pGe: "ge",
	pKnown: "known", pUnknown: "unknown",
	pContains: "contains", pPrefix: "prefix", pSuffix: "suffix", pExpr: "expr",
}

func (op predOp) String() string {
	if op >= 0 && int(op) < len(predOpNames) {
		return predOpNames[op]
	}
	return "predOp(" + strconv.Itoa(int(op)) + ")"
}

// pred is one node of a filter's plan.
type pred struct {
	op   predOp
	prop Property // the property a leaf tests
	vals []any
	kids []*pred
	res  *residual // pExpr only
}

// String writes the tree for tests and debugging:
// and(eq(Channel, "chat"), expr(lower(Subject) contains "refund")).
func (p *pred) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p *pred) write(b *strings.Builder) {
	b.WriteString(p.op.String())
	switch p.op {
	case pTrue, pFalse:
		return
	case pAnd, pOr, pNot:
		b.WriteByte('(')
		for i, k := range p.kids {
			if i > 0 {
				b.WriteString(", ")
			}
			k.write(b)
		}
		b.WriteByte(')')
		return
	case pExpr:
		b.WriteString("(" + p.res.text + ")")
		return
	}
	b.WriteString("(" + p.prop.Name)
	if p.op == pIn || p.op == pNotIn {
		b.WriteString(", [")
		for i, v := range p.vals {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(valueText(v))
		}
		b.WriteString("]")
	} else {
		for _, v := range p.vals {
			b.WriteString(", " + valueText(v))
		}
	}
	b.WriteByte(')')
}

func valueText(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Duration:
		return fmt.Sprintf("duration(%q)", v.String())
	case timeLit:
		return v.String()
	}
	return fmt.Sprint(v)
}

// timeLit is a time constant of a filter that may depend on the query: an
// absolute instant, a wall-clock time in the query's zone, now(), or
// daysAgo(n), plus a fixed offset (now() - duration("1h")).
type timeLit struct {
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

// at resolves t for a query.
func (t timeLit) at(env FilterEnv) time.Time {
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

// String writes t as expression text.
func (t timeLit) String() string {
	var s string
	switch t.kind {
	case litAbs:
		s = fmt.Sprintf("date(%q)", t.abs.Format(time.RFC3339Nano))
	case litWall:
		if isDateOnly(t) {
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

// residual is a sub-expression the native shapes cannot express, compiled
// on its own; it follows the same unknown-value rules as the whole filter.
type residual struct {
	text string // for people: the sub-expression
	prog *program
}

// match evaluates the sub-expression on c.
func (r *residual) match(c *Conversation, env FilterEnv) (bool, error) {
	return r.prog.run(c, env)
}

// properties lists the properties the sub-expression reads.
func (r *residual) properties() []Property {
	out := make([]Property, len(r.prog.props))
	for i, s := range r.prog.props {
		out[i] = s.p
	}
	return out
}

// eval evaluates the tree on one row, the reference for the columnar path.
// It evaluates kids left to right and stops early, like the expr program.
func (p *pred) eval(c *Conversation, env FilterEnv) (bool, error) {
	switch p.op {
	case pTrue:
		return true, nil
	case pFalse:
		return false, nil
	case pAnd:
		for _, k := range p.kids {
			if ok, err := k.eval(c, env); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case pOr:
		for _, k := range p.kids {
			if ok, err := k.eval(c, env); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case pNot:
		ok, err := p.kids[0].eval(c, env)
		return !ok && err == nil, err
	case pExpr:
		return p.res.match(c, env)
	}
	v, known, err := rowValue(c, p.prop)
	if err != nil {
		return false, err
	}
	switch p.op {
	case pKnown:
		return known, nil
	case pUnknown:
		return !known, nil
	case pNe:
		return !known || !equalValue(v, p.vals[0], env), nil
	case pNotIn:
		return !known || !inValues(v, p.vals, env), nil
	}
	if !known {
		return false, nil
	}
	switch p.op {
	case pEq:
		return equalValue(v, p.vals[0], env), nil
	case pIn:
		return inValues(v, p.vals, env), nil
	case pLt, pLe, pGt, pGe:
		return compareValue(p.op, v, p.vals[0], env), nil
	case pContains:
		return strings.Contains(v.(string), p.vals[0].(string)), nil
	case pPrefix:
		return strings.HasPrefix(v.(string), p.vals[0].(string)), nil
	case pSuffix:
		return strings.HasSuffix(v.(string), p.vals[0].(string)), nil
	}
	return false, fmt.Errorf("convreport: filter: unknown predicate %v", p.op)
}

func equalValue(v, w any, env FilterEnv) bool {
	switch w := w.(type) {
	case string:
		return v.(string) == w
	case float64:
		return v.(float64) == w
	case bool:
		return v.(bool) == w
	case time.Duration:
		return v.(time.Duration) == w
	case timeLit:
		return v.(time.Time).Equal(w.at(env))
	}
	return false
}

func inValues(v any, ws []any, env FilterEnv) bool {
	for _, w := range ws {
		if equalValue(v, w, env) {
			return true
		}
	}
	return false
}

func compareValue(op predOp, v, w any, env FilterEnv) bool {
	switch w := w.(type) {
	case float64:
		return compareOrdered(op, v.(float64), w)
	case time.Duration:
		return compareOrdered(op, v.(time.Duration), w)
	case timeLit:
		a, b := v.(time.Time), w.at(env)
		switch op {
		case pLt:
			return a.Before(b)
		case pLe:
			return !a.After(b)
		case pGt:
			return a.After(b)
		case pGe:
			return !a.Before(b)
		}
	}
	return false
}

func compareOrdered[T float64 | time.Duration](op predOp, a, b T) bool {
	switch op {
	case pLt:
		return a < b
	case pLe:
		return a <= b
	case pGt:
		return a > b
	case pGe:
		return a >= b
	}
	return false
}

// Building the plan.

func constPred(b bool) *pred {
	if b {
		return &pred{op: pTrue}
	}
	return &pred{op: pFalse}
}

// notPred negates p, folding constants, double negation and the exact
// complements (eq/ne, in/notin, known/unknown).
func notPred(p *pred) *pred {
	complement := map[predOp]predOp{
		pTrue: pFalse, pFalse: pTrue,
		pEq: pNe, pNe: pEq, pIn: pNotIn, pNotIn: pIn, pKnown: pUnknown, pUnknown: pKnown,
	}
	if op, ok := complement[p.op]; ok {
		q := *p
		q.op = op
		return &q
	}
	if p.op == pNot {
		return p.kids[0]
	}
	return &pred{op: pNot, kids: []*pred{p}}
}

// joinPred builds an and (op pAnd) or an or (pOr), flattening nested ones
// and folding constants.
func joinPred(op predOp, ps ...*pred) *pred {
	absorb, neutral := pFalse, pTrue
	if op == pOr {
		absorb, neutral = pTrue, pFalse
	}
	var kids []*pred
	for _, p := range ps {
		switch p.op {
		case absorb:
			return constPred(op == pOr)
		case neutral:
			continue
		case op:
			kids = append(kids, p.kids...)
		default:
			kids = append(kids, p)
		}
	}
	switch len(kids) {
	case 0:
		return constPred(op == pAnd)
	case 1:
		return kids[0]
	}
	return &pred{op: op, kids: kids}
}

// plan builds the predicate tree of a resolved, type-checked node.
func (fc *filterCompiler) plan(n ast.Node) (*pred, error) {
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
				return joinPred(pAnd, l, r), nil
			}
			return joinPred(pOr, l, r), nil
		}
		if p := fc.leaf(n); p != nil {
			return p, nil
		}
	case *ast.IdentifierNode:
		if p, ok := fc.prop(n); ok && p.Kind == KindBool {
			return &pred{op: pEq, prop: p, vals: []any{true}}, nil
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
	return &pred{op: pExpr, res: &residual{text: fc.display(n), prog: prog}}, nil
}

var flipped = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

var leafOps = map[string]predOp{
	"==": pEq, "!=": pNe, "<": pLt, "<=": pLe, ">": pGt, ">=": pGe,
	"contains": pContains, "startsWith": pPrefix, "endsWith": pSuffix,
}

// leaf recognises a property compared with a constant, or nil.
func (fc *filterCompiler) leaf(n *ast.BinaryNode) *pred {
	if p, ok := nilTest(fc, n); ok {
		if n.Operator == "==" {
			return &pred{op: pUnknown, prop: p}
		}
		return &pred{op: pKnown, prop: p}
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
			return &pred{op: leafOps[op], prop: p, vals: []any{v}}
		}
	case "<", "<=", ">", ">=":
		if p.Kind != KindNumber && p.Kind != KindDuration && p.Kind != KindTime {
			return nil
		}
		if v, ok := fc.constant(other, p.Kind); ok {
			return &pred{op: leafOps[op], prop: p, vals: []any{v}}
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
			return &pred{op: pFalse}
		}
		return &pred{op: pIn, prop: p, vals: vals}
	case "contains", "startsWith", "endsWith":
		if p.Kind != KindString && p.Kind != KindEnum {
			return nil
		}
		if v, ok := fc.constant(other, KindString); ok {
			return &pred{op: leafOps[op], prop: p, vals: []any{v}}
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
func (fc *filterCompiler) timeConstant(n ast.Node) (timeLit, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if i, err := strconv.Atoi(strings.TrimPrefix(n.Value, timePrefix)); err == nil && strings.HasPrefix(n.Value, timePrefix) {
			return fc.lits[i], true
		}
	case *ast.BinaryNode:
		if n.Operator != "+" && n.Operator != "-" {
			return timeLit{}, false
		}
		t, ok := fc.timeConstant(n.Left)
		dn := n.Right
		if !ok && n.Operator == "+" {
			t, ok = fc.timeConstant(n.Right)
			dn = n.Left
		}
		if !ok {
			return timeLit{}, false
		}
		d, ok := fc.constant(dn, KindDuration)
		if !ok {
			return timeLit{}, false
		}
		if n.Operator == "-" {
			t.offset -= d.(time.Duration)
		} else {
			t.offset += d.(time.Duration)
		}
		return t, true
	}
	return timeLit{}, false
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
