package filter

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Options are the limits [Compile] enforces; each must be positive (the
// caller resolves its defaults).
type Options struct {
	MaxLength      int // bytes of the expression
	MaxNodes       int // syntax tree nodes
	MaxPatternSize int // instructions of each compiled matches pattern
}

// Env is what the query-dependent helpers read: now(), daysAgo(n) and
// date("2025-03-01") resolve against it.
type Env struct {
	Now  time.Time      // zero means time.Now() at each evaluation
	Zone *time.Location // nil means UTC
}

func (e Env) now() time.Time {
	if e.Now.IsZero() {
		return time.Now()
	}
	return e.Now
}

func (e Env) zone() *time.Location {
	if e.Zone == nil {
		return time.UTC
	}
	return e.Zone
}

// Kind is the type of a field's values. The values match the public
// property kinds one for one, so a caller converts with Kind(k).
type Kind int

// The field kinds, in the order of the public ones.
const (
	KindString Kind = iota + 1
	KindNumber
	KindBool
	KindTime
	KindDuration
	KindEnum
)

// Zero is the value of kind k that stands for "unknown": what the
// expression reads for a field without a value.
func (k Kind) Zero() any {
	switch k {
	case KindString, KindEnum:
		return ""
	case KindNumber:
		return float64(0)
	case KindBool:
		return false
	case KindTime:
		return time.Time{}
	case KindDuration:
		return time.Duration(0)
	}
	return nil
}

// Word names the kind in messages: "a string", "a duration".
func (k Kind) Word() string {
	switch k {
	case KindString, KindEnum:
		return "a string"
	case KindNumber:
		return "a number"
	case KindBool:
		return "a bool"
	case KindTime:
		return "a time"
	case KindDuration:
		return "a duration"
	}
	return "of unknown kind"
}

// Field is a property as the compiler sees it.
type Field struct {
	Name    string   // canonical name, as expressions are rewritten to use it
	Kind    Kind     // type of its values
	Values  []string // allowed values of an enum
	Custom  bool     // declared by the embedder; a row may hold a wrong type
	Derived bool     // computed from other fields (the durations)
}

// Fields is the set of properties an expression may read.
type Fields interface {
	// Lookup finds a field by name or alias.
	Lookup(name string) (Field, bool)
	// Suggest returns the closest name to an unknown one, or "".
	Suggest(name string) string
}

// Row is one conversation as a filter reads it.
type Row interface {
	// Value returns f's value, typed by its kind (Kind.Zero when unknown),
	// and whether it is known. It fails when the row holds a value of the
	// wrong type for f.
	Value(f Field) (any, bool, error)
	// ID names the row in errors.
	ID() string
}

// Filter is a compiled, type-checked filter expression: a predicate tree
// for the engine and an expr program for Match. It is immutable and safe
// for concurrent use. An empty filter matches every row.
type Filter struct {
	src  string
	prog *program // nil for the empty filter
	root *Pred
}

// String returns the filter's source text.
func (f *Filter) String() string { return f.src }

// Match reports whether row passes the filter, evaluated with the expr-lang
// virtual machine.
func (f *Filter) Match(row Row, env Env) (bool, error) {
	if f.prog == nil {
		return true, nil
	}
	return f.prog.run(row, env)
}

// Programs returns the expr programs of f: the whole expression's, then
// each residual's, in tree order. Tests read them to bound the work of
// one evaluation.
func (f *Filter) Programs() []*vm.Program {
	var out []*vm.Program
	if f.prog != nil {
		out = append(out, f.prog.prog)
	}
	var walk func(p *Pred)
	walk = func(p *Pred) {
		if p == nil {
			return
		}
		if p.Res != nil {
			out = append(out, p.Res.prog.prog)
		}
		for _, k := range p.Kids {
			walk(k)
		}
	}
	walk(f.root)
	return out
}

// Tree returns the predicate tree the engine evaluates natively.
func (f *Filter) Tree() *Pred { return f.root }

// Compile compiles src against fields with the limits of o. An empty or
// blank src compiles to a filter that matches every row. A bad expression
// is reported as an *[Error] pointing at the position, a limit breach as a
// *[LimitError].
func Compile(fields Fields, src string, o Options) (*Filter, error) {
	maxLen, maxNodes, maxPattern := o.MaxLength, o.MaxNodes, o.MaxPatternSize
	if maxLen <= 0 || maxNodes <= 0 || maxPattern <= 0 {
		return nil, fmt.Errorf("convreport: filter: limits must be positive, got %+v", o)
	}
	if len(src) > maxLen {
		return nil, &LimitError{Limit: "length", Max: maxLen, Got: len(src)}
	}
	if strings.TrimSpace(src) == "" {
		return &Filter{src: src, root: &Pred{Op: True}}, nil
	}
	if !utf8.ValidString(src) {
		return nil, &Error{Expr: src, Msg: "expression is not valid UTF-8"}
	}

	pcfg := conf.CreateNew()
	pcfg.MaxNodes = 0 // our own limit applies below; MaxLength bounds the parser's work
	for _, h := range []string{"date", "now", "duration"} {
		pcfg.Disabled[h] = true
	}
	tree, err := parser.ParseWithConfig(src, pcfg)
	if err != nil {
		return nil, exprError(src, err)
	}
	nodes := 0
	ast.Walk(&tree.Node, nodeCounter{&nodes})
	if nodes > maxNodes {
		return nil, &LimitError{Limit: "nodes", Max: maxNodes, Got: nodes}
	}

	// Guards for unknown values make a program a few times its source;
	// 32 times the node limit leaves every sensible filter far inside.
	fc := &filterCompiler{fields: fields, src: src, used: map[string]Field{}, maxPattern: maxPattern, maxMade: 32 * maxNodes}
	if err := fc.resolve(&tree.Node, false); err != nil {
		return nil, err
	}
	fc.cfg = conf.New(fc.env())
	if _, err := checker.Check(tree, fc.cfg); err != nil {
		return nil, exprError(src, err)
	}
	if t := tree.Node.Type(); t.Kind() != reflect.Bool {
		return nil, fc.errAt(tree.Node, "the filter must be a condition (true or false), but it is %s", typeWord(t))
	}
	root, err := fc.plan(tree.Node)
	if err != nil {
		return nil, err
	}
	prog, err := fc.compile(tree.Node)
	if err != nil {
		return nil, err
	}
	return &Filter{src: src, prog: prog, root: root}, nil
}

type nodeCounter struct{ n *int }

func (c nodeCounter) Visit(*ast.Node) { *c.n++ }

// Error reports a filter expression that does not compile, and where.
type Error struct {
	Expr   string // the whole expression
	Line   int    // 1-based; 0 when the error has no position
	Column int    // 1-based, in runes
	Msg    string
}

// Error returns the message, then the offending line with a caret under the
// position:
//
//	convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 1, column 22:
//	 | Channel == "chat" && Inboxx == "Sales"
//	 | .....................^
func (e *Error) Error() string {
	if e.Line <= 0 {
		return "convreport: filter: " + e.Msg
	}
	lines := strings.Split(e.Expr, "\n")
	line := ""
	if e.Line <= len(lines) {
		line = strings.TrimSuffix(lines[e.Line-1], "\r")
	}
	line = strings.ReplaceAll(line, "\t", " ")
	return fmt.Sprintf("convreport: filter: %s at line %d, column %d:\n | %s\n | %s^",
		e.Msg, e.Line, e.Column, line, strings.Repeat(".", max(e.Column-1, 0)))
}

// LimitError reports a filter expression over one of the limits of
// [Options].
type LimitError struct {
	Limit string // "length" (in bytes), "nodes", or "expanded nodes"
	Max   int    // the limit
	Got   int    // the expression's size; for "expanded nodes", Max+1
}

// Error says which limit the expression is over, and by how much.
func (e *LimitError) Error() string {
	switch e.Limit {
	case "length":
		return fmt.Sprintf("convreport: filter: expression is %d bytes long, over the limit of %d bytes", e.Got, e.Max)
	case "expanded nodes":
		return fmt.Sprintf("convreport: filter: expression expands to more than %d nodes: a comparison of a conditional (a ? b : c) repeats its condition to handle unknown values, so nested ones double at each level; write fewer levels", e.Max)
	}
	return fmt.Sprintf("convreport: filter: expression has %d nodes, over the limit of %d nodes", e.Got, e.Max)
}

// position converts a rune offset into src to a 1-based line and column.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	return line, col
}

var exprTypeNames = strings.NewReplacer(
	"[]interface {}", "array",
	"interface {}", "any",
	"time.Time", "time",
	"time.Duration", "duration",
	"float64", "number",
	"int", "number",
)

func exprError(src string, err error) error {
	fe, ok := err.(*file.Error)
	if !ok {
		return &Error{Expr: src, Msg: err.Error()}
	}
	from := fe.From
	msg := strings.TrimSpace(fe.Message)
	if m := outOfRange.FindStringSubmatch(msg); m != nil {
		msg, from = literalOutOfRange(src, from, m[1], m[2])
	}
	line, col := position(src, from)
	if msg == `unexpected token Operator("=")` {
		// SQL and spreadsheets compare with one =; expr has no assignment.
		msg = `= is not a comparison: write == to compare, like Channel == "chat"`
	}
	if strings.HasPrefix(msg, "invalid operation") || strings.Contains(msg, "mismatched types") ||
		strings.Contains(msg, "invalid argument") || strings.Contains(msg, "cannot use") {
		msg = exprTypeNames.Replace(msg)
	}
	return &Error{Expr: src, Line: line, Column: col, Msg: msg}
}

// outOfRange is expr's error for a number literal too large for its type
// (int64, or float64): its kind and its digits, underscores taken out.
var outOfRange = regexp.MustCompile(`^invalid (\w+) literal: strconv\.Parse\w+: parsing "([^"]*)": value out of range$`)

// literalOutOfRange says that the literal lit, of kind (integer, hex,
// float…), is out of range, and finds where it starts: expr reports the
// token after it. It is the last literal spelled lit (underscores
// aside) that starts before from, a rune offset into src.
func literalOutOfRange(src string, from int, kind, lit string) (string, int) {
	msg := fmt.Sprintf("%s is too large for a number (at most about 1.8e308)", lit)
	if kind != "float" {
		msg = fmt.Sprintf("%s is too large for an integer (at most %d; write a decimal like 1e20 for a larger number)", lit, int64(math.MaxInt64))
	}
	var pat strings.Builder
	for i, r := range lit {
		if i > 0 {
			pat.WriteString("_*")
		}
		pat.WriteString(regexp.QuoteMeta(string(r)))
	}
	re, err := regexp.Compile("(?i)" + pat.String())
	if err != nil {
		return msg, from
	}
	start := -1
	for _, loc := range re.FindAllStringIndex(src, -1) {
		if at := utf8.RuneCountInString(src[:loc[0]]); at < from {
			start = at
		}
	}
	if start < 0 {
		return msg, from
	}
	return msg, start
}

func typeWord(t reflect.Type) string {
	switch {
	case t == reflect.TypeOf(time.Time{}):
		return "a time"
	case t == reflect.TypeOf(time.Duration(0)):
		return "a duration"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a bool"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "of unknown type"
}

// Builtins a filter may call. Each takes time and memory linear in its
// input (replace and repeat, whose output can grow geometrically when
// nested, are left out); the predicate ones (all, any, none, one, count)
// only run over a written-out list of constants, and do not nest.
var filterBuiltins = map[string]bool{
	"len": true, "lower": true, "upper": true, "trim": true, "trimPrefix": true, "trimSuffix": true,
	"indexOf": true, "lastIndexOf": true,
	"abs": true, "ceil": true, "floor": true, "round": true, "min": true, "max": true,
	"all": true, "any": true, "none": true, "one": true, "count": true,
}

var predicateBuiltins = map[string]bool{"all": true, "any": true, "none": true, "one": true, "count": true}

// Names the query-dependent and constant helpers take.
const (
	helperDuration = "duration"
	helperDate     = "date"
	helperNow      = "now"
	helperDaysAgo  = "daysAgo"
	MaxDaysAgo     = 100000
)

func isHelper(name string) bool {
	switch name {
	case helperDuration, helperDate, helperNow, helperDaysAgo:
		return true
	}
	return false
}

func functionList() string {
	names := []string{"duration", "date", "now", "daysAgo"}
	var rest []string
	for n := range filterBuiltins {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	return strings.Join(append(names, rest...), ", ")
}

// Hidden names in the expr environment. Users cannot write them: every
// identifier of the source must be a property of the schema.
const (
	knownPrefix = "?" // "?Inbox": Inbox is known
	timePrefix  = "@" // "@0": the first time literal
)

// filterCompiler holds the state of one compilation.
type filterCompiler struct {
	fields Fields
	src    string
	used   map[string]Field // properties read, by Name
	lits   []TimeLit        // time literals, referred to as "@i"
	cfg    *conf.Config     // type-checking environment

	maxPattern int // Options.MaxPatternSize

	// The guards safe adds for unknown values repeat a conditional's
	// condition, so nesting grows the program exponentially: made counts
	// the nodes built, and past maxMade safe and known stop building.
	made, maxMade int
}

func (fc *filterCompiler) errAt(n ast.Node, format string, args ...any) *Error {
	line, col := position(fc.src, n.Location().From)
	return &Error{Expr: fc.src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// env returns the type-checking environment: a zero value of the right
// type for each name the expression may read.
func (fc *filterCompiler) env() map[string]any {
	env := map[string]any{}
	for _, p := range fc.used {
		env[p.Name] = p.Kind.Zero()
		env[knownPrefix+p.Name] = false
	}
	for i := range fc.lits {
		env[timePrefix+strconv.Itoa(i)] = time.Time{}
	}
	return env
}

// prop returns the property n refers to, if n is a (resolved) property
// identifier.
func (fc *filterCompiler) prop(n ast.Node) (Field, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return Field{}, false
	}
	p, ok := fc.used[id.Value]
	return p, ok
}

// resolve checks that the tree uses only what filters allow, renames
// property keys to names, replaces the helpers by constants and time
// literals, and reports comparisons of a property with a constant of the
// wrong type with a precise message. It stops at the first problem.
func (fc *filterCompiler) resolve(np *ast.Node, inPredicate bool) error {
	switch n := (*np).(type) {
	case *ast.IdentifierNode:
		if strings.HasPrefix(n.Value, timePrefix) {
			return nil // a helper already replaced: users cannot write @
		}
		if isHelper(n.Value) {
			return fc.errAt(n, "%s is a function: write %s(…)", n.Value, n.Value)
		}
		p, ok := fc.fields.Lookup(n.Value)
		if !ok {
			msg := fmt.Sprintf("unknown property %q", n.Value)
			if sug := fc.fields.Suggest(n.Value); sug != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return fc.errAt(n, "%s", msg)
		}
		n.Value = p.Name
		fc.used[p.Name] = p
		return nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.StringNode, *ast.ConstantNode:
		return nil
	case *ast.NilNode:
		return fc.errAt(n, "nil can only be compared with a property, with == or != (Inbox == nil)")
	case *ast.PointerNode:
		if !inPredicate || n.Name != "" {
			return fc.errAt(n, "# can only stand for the current element of all, any, none, one or count")
		}
		return nil
	case *ast.UnaryNode:
		return fc.resolve(&n.Node, inPredicate)
	case *ast.BinaryNode:
		if err := fc.resolveBinary(n, inPredicate); err != nil {
			return err
		}
		return fc.foldDurations(np, n)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return fc.errAt(n, "fields and methods are not supported in filters")
		}
		return fc.resolveCall(np, id.Value, n.Arguments, inPredicate)
	case *ast.BuiltinNode:
		return fc.resolveCall(np, n.Name, n.Arguments, inPredicate)
	case *ast.PredicateNode:
		return fc.resolve(&n.Node, true)
	case *ast.ConditionalNode:
		for _, k := range []*ast.Node{&n.Cond, &n.Exp1, &n.Exp2} {
			if err := fc.resolve(k, inPredicate); err != nil {
				return err
			}
		}
		return nil
	case *ast.ArrayNode:
		for i := range n.Nodes {
			if err := fc.resolve(&n.Nodes[i], inPredicate); err != nil {
				return err
			}
		}
		return nil
	case *ast.MemberNode, *ast.ChainNode:
		return fc.errAt(n, "fields and methods are not supported in filters")
	case *ast.SliceNode:
		return fc.errAt(n, "slices are not supported in filters")
	case *ast.VariableDeclaratorNode:
		return fc.errAt(n, "let is not supported in filters")
	case *ast.SequenceNode:
		return fc.errAt(n, "a filter is one expression: ; is not supported")
	case *ast.MapNode, *ast.PairNode:
		return fc.errAt(n, "maps are not supported in filters")
	case *ast.BytesNode:
		return fc.errAt(n, "byte strings are not supported in filters")
	case nil:
		return &Error{Expr: fc.src, Msg: "empty expression"}
	default:
		return fc.errAt(n, "%s is not supported in filters", n)
	}
}

func isComparison(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=", "in", "contains", "startsWith", "endsWith", "matches":
		return true
	}
	return false
}

func (fc *filterCompiler) resolveBinary(n *ast.BinaryNode, inPredicate bool) error {
	switch n.Operator {
	case "..":
		return fc.errAt(n, "ranges (..) are not supported in filters: write X >= a && X <= b")
	case "%":
		// Integer remainder is the one operation that can fail at run time
		// (by zero); no property is an integer anyway.
		return fc.errAt(n, "%% is not supported in filters")
	case "==", "!=":
		_, lnil := n.Left.(*ast.NilNode)
		_, rnil := n.Right.(*ast.NilNode)
		if lnil || rnil {
			other := &n.Left
			if lnil {
				other = &n.Right
			}
			if _, ok := (*other).(*ast.IdentifierNode); !ok {
				return fc.errAt(n, "nil can only be compared with a property (Inbox == nil)")
			}
			return fc.resolve(other, inPredicate)
		}
	case "??":
		if _, ok := n.Left.(*ast.IdentifierNode); !ok {
			return fc.errAt(n, "?? needs a property on its left (Inbox ?? \"none\")")
		}
	case "matches":
		pat, ok := n.Right.(*ast.StringNode)
		if !ok {
			return fc.errAt(n, "matches needs a constant pattern, like Subject matches \"^re:\"")
		}
		if err := fc.checkPattern(pat); err != nil {
			return err
		}
	}
	if err := fc.resolve(&n.Left, inPredicate); err != nil {
		return err
	}
	if err := fc.resolve(&n.Right, inPredicate); err != nil {
		return err
	}
	if isComparison(n.Operator) {
		return fc.checkComparison(n)
	}
	return nil
}

// checkPattern refuses a matches pattern that does not compile, or whose
// program is larger than the limit: matching costs up to a step per
// instruction per character, and one viewer's pattern must not pin a core.
func (fc *filterCompiler) checkPattern(n *ast.StringNode) error {
	re, err := syntax.Parse(n.Value, syntax.Perl)
	if err != nil {
		return fc.errAt(n, "bad pattern: %v", err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return fc.errAt(n, "bad pattern: %v", err)
	}
	if size := len(prog.Inst); size > fc.maxPattern {
		return fc.errAt(n, "the pattern is too costly to match: %d instructions, over the limit of %d (each repeat of a counted repetition such as {1,1000} adds some)", size, fc.maxPattern)
	}
	return nil
}

// literalKind is the kind of value a constant node holds, and false when n
// is not a constant.
func (fc *filterCompiler) literalKind(n ast.Node) (Kind, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return KindString, true
	case *ast.IntegerNode, *ast.FloatNode:
		return KindNumber, true
	case *ast.BoolNode:
		return KindBool, true
	case *ast.ConstantNode:
		if _, ok := n.Value.(time.Duration); ok {
			return KindDuration, true
		}
	case *ast.IdentifierNode:
		if strings.HasPrefix(n.Value, timePrefix) {
			return KindTime, true
		}
	case *ast.UnaryNode:
		if n.Operator == "-" || n.Operator == "+" {
			if k, ok := fc.literalKind(n.Node); ok && k == KindNumber {
				return k, true
			}
		}
	}
	return 0, false
}

func sameClass(a, b Kind) bool {
	norm := func(k Kind) Kind {
		if k == KindEnum {
			return KindString
		}
		return k
	}
	return norm(a) == norm(b)
}

// literalText shows a constant as the user wrote it.
func literalText(n ast.Node) string {
	switch n := n.(type) {
	case *ast.StringNode:
		return strconv.Quote(n.Value)
	case *ast.ConstantNode:
		if d, ok := n.Value.(time.Duration); ok {
			return fmt.Sprintf("duration(%q)", d.String())
		}
	}
	return n.String()
}

// checkComparison reports a property compared with a constant of another
// type, and an enum compared with a value it does not have.
func (fc *filterCompiler) checkComparison(n *ast.BinaryNode) error {
	p, lp := fc.prop(n.Left)
	other := n.Right
	if !lp {
		var rp bool
		if p, rp = fc.prop(n.Right); !rp {
			return nil
		}
		other = n.Left
		if n.Operator == "in" || n.Operator == "contains" || n.Operator == "startsWith" ||
			n.Operator == "endsWith" || n.Operator == "matches" {
			return nil // "x" in Inbox, "abc" contains Inbox: left to the type checker
		}
	}
	switch n.Operator {
	case "contains", "startsWith", "endsWith", "matches":
		if !sameClass(p.Kind, KindString) {
			return fc.errAt(n, "%s needs a string, but %s is %s", n.Operator, p.Name, p.Kind.Word())
		}
		return nil
	case "<", "<=", ">", ">=":
		if p.Kind == KindBool {
			return fc.errAt(n, "%s is a bool: it can only be compared with == or !=", p.Name)
		}
	case "in":
		arr, ok := n.Right.(*ast.ArrayNode)
		if !ok {
			return nil
		}
		for _, e := range arr.Nodes {
			if err := fc.checkOperand(n, e, p); err != nil {
				return err
			}
		}
		return nil
	}
	return fc.checkOperand(n, other, p)
}

func (fc *filterCompiler) checkOperand(op *ast.BinaryNode, lit ast.Node, p Field) error {
	k, ok := fc.literalKind(lit)
	if !ok {
		return nil
	}
	if !sameClass(p.Kind, k) {
		hint := ""
		switch {
		case p.Kind == KindTime && k == KindString:
			hint = fmt.Sprintf(": write date(%s)", literalText(lit))
		case p.Kind == KindTime:
			hint = `: write a date like date("2025-03-01")`
		case p.Kind == KindDuration && k == KindString:
			if _, err := time.ParseDuration(lit.(*ast.StringNode).Value); err == nil {
				hint = fmt.Sprintf(": write duration(%s)", literalText(lit))
			} else {
				hint = `: write a duration like duration("5m")`
			}
		case p.Kind == KindDuration:
			hint = `: write a duration like duration("5m")`
		}
		return fc.errAt(op, "cannot compare %s (%s) with %s (%s)%s", p.Name, p.Kind.Word(), literalText(lit), k.Word(), hint)
	}
	s, isStr := lit.(*ast.StringNode)
	if !isStr || (op.Operator != "==" && op.Operator != "!=" && op.Operator != "in") {
		return nil
	}
	if s.Value == "" {
		return fc.errAt(lit, "an empty %s is unknown: test it with %s == nil or %s != nil", p.Name, p.Name, p.Name)
	}
	if p.Kind == KindEnum && !slices.Contains(p.Values, s.Value) {
		return fc.errAt(lit, "%s has no value %q (want one of %s)", p.Name, s.Value, quotedList(p.Values))
	}
	return nil
}

// resolveCall replaces a helper call by its value, and checks that any
// other call is to an allowed builtin.
func (fc *filterCompiler) resolveCall(np *ast.Node, name string, args []ast.Node, inPredicate bool) error {
	call := *np
	if isHelper(name) {
		v, err := fc.helper(call, name, args)
		if err != nil {
			return err
		}
		v.SetLocation(call.Location())
		*np = v
		return nil
	}
	if !filterBuiltins[name] {
		return fc.errAt(call, "unknown function %s (filters can use %s)", name, functionList())
	}
	if predicateBuiltins[name] {
		if inPredicate {
			// Nested loops would multiply: keep the work linear in the
			// expression's size.
			return fc.errAt(call, "%s cannot be used inside all, any, none, one or count", name)
		}
		if len(args) != 2 {
			// Without one, expr would read the constants themselves as
			// conditions and fail on every row at run time.
			return fc.errAt(call, "%s needs a list and a condition on #, like %s([\"a\", \"b\"], Subject contains #)", name, name)
		}
		arr, ok := args[0].(*ast.ArrayNode)
		if !ok {
			return fc.errAt(call, "%s needs a written-out list of constants, like %s([\"a\", \"b\"], Subject contains #)", name, name)
		}
		for i := range arr.Nodes {
			if err := fc.resolve(&arr.Nodes[i], inPredicate); err != nil {
				return err
			}
			if _, ok := fc.literalKind(arr.Nodes[i]); !ok {
				return fc.errAt(arr.Nodes[i], "the list of %s must hold constants only", name)
			}
		}
		args = args[1:]
	}
	for i := range args {
		if err := fc.resolve(&args[i], inPredicate); err != nil {
			return err
		}
	}
	return nil
}

func (fc *filterCompiler) helper(call ast.Node, name string, args []ast.Node) (ast.Node, error) {
	want := 1
	if name == helperNow {
		want = 0
	}
	if len(args) != want {
		if want == 0 {
			return nil, fc.errAt(call, "now() takes no arguments")
		}
		return nil, fc.errAt(call, "%s() takes one argument", name)
	}
	switch name {
	case helperNow:
		return fc.timeLiteral(TimeLit{kind: litNow}), nil
	case helperDaysAgo:
		n, ok := args[0].(*ast.IntegerNode)
		if !ok || n.Value < 0 || n.Value > MaxDaysAgo {
			return nil, fc.errAt(args[0], "daysAgo() takes a whole number of days from 0 to %d", MaxDaysAgo)
		}
		return fc.timeLiteral(TimeLit{kind: litDaysAgo, days: n.Value}), nil
	}
	s, ok := args[0].(*ast.StringNode)
	if !ok {
		if name == helperDuration {
			return nil, fc.errAt(args[0], `duration() takes a constant string, like duration("5m")`)
		}
		return nil, fc.errAt(args[0], `date() takes a constant string, like date("2025-03-01")`)
	}
	if name == helperDuration {
		d, err := ParseDuration(s.Value)
		if err != nil {
			return nil, fc.errAt(s, "%v", err)
		}
		return &ast.ConstantNode{Value: d}, nil
	}
	lit, err := ParseDate(s.Value)
	if err != nil {
		return nil, fc.errAt(s, "%v", err)
	}
	return fc.timeLiteral(lit), nil
}

func (fc *filterCompiler) timeLiteral(lit TimeLit) ast.Node {
	i := slices.Index(fc.lits, lit)
	if i < 0 {
		i = len(fc.lits)
		fc.lits = append(fc.lits, lit)
	}
	return &ast.IdentifierNode{Value: timePrefix + strconv.Itoa(i)}
}

// ParseDuration reads a duration written as time.ParseDuration reads it
// ("90s", "1h30m"); its error says whether s is not written so, or is
// written so but longer than a time.Duration holds.
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		if durationSyntax.MatchString(strings.TrimSpace(s)) {
			return 0, fmt.Errorf("bad duration %q: longer than the longest duration allowed, %v (about 292 years)", s, time.Duration(math.MaxInt64))
		}
		return 0, fmt.Errorf("bad duration %q: want a number and a unit, like 90s, 5m or 1h30m", s)
	}
	return d, nil
}

// durationSyntax is what time.ParseDuration reads; a string it matches
// that does not parse is too long.
var durationSyntax = regexp.MustCompile(`^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)

// ParseDate reads a date or time: "2025-03-01" and "2025-03-01T10:00[:05]"
// are wall-clock times in the query's zone, RFC 3339 with an offset is an
// absolute instant.
func ParseDate(s string) (TimeLit, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return TimeLit{kind: litAbs, abs: t}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return TimeLit{kind: litWall, abs: t}, nil
		}
	}
	return TimeLit{}, fmt.Errorf("bad date %q: want a date like 2025-03-01, a local time like 2025-03-01T10:00, or RFC 3339 like 2025-03-01T10:00:00Z", s)
}

// known returns a bool expression that is true when n's value is known, or
// nil when it always is: a property is unknown when unset, a computed
// value when a property it reads is, a comparison, logical operator or
// predicate builtin always has a value.
func (fc *filterCompiler) known(n ast.Node) ast.Node {
	if fc.overBudget() {
		return nil
	}
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if _, ok := fc.used[n.Value]; ok {
			return &ast.IdentifierNode{Value: knownPrefix + n.Value}
		}
		return nil
	case *ast.UnaryNode:
		if n.Operator == "-" || n.Operator == "+" {
			return fc.known(n.Node)
		}
		return nil
	case *ast.BinaryNode:
		switch {
		case n.Operator == "??":
			r := fc.known(n.Right)
			if r == nil {
				return nil
			}
			return &ast.BinaryNode{Operator: "||", Left: fc.known(n.Left), Right: r}
		case isComparison(n.Operator), n.Operator == "&&", n.Operator == "||", n.Operator == "and", n.Operator == "or":
			return nil
		}
		return andNodes(fc.known(n.Left), fc.known(n.Right))
	case *ast.BuiltinNode:
		if predicateBuiltins[n.Name] {
			return nil
		}
		var k ast.Node
		for _, a := range n.Arguments {
			k = andNodes(k, fc.known(a))
		}
		return k
	case *ast.ConditionalNode:
		a, b := fc.known(n.Exp1), fc.known(n.Exp2)
		if a == nil && b == nil {
			return nil
		}
		if a == nil {
			a = &ast.BoolNode{Value: true}
		}
		if b == nil {
			b = &ast.BoolNode{Value: true}
		}
		return &ast.ConditionalNode{Cond: fc.safe(n.Cond), Exp1: a, Exp2: b}
	case *ast.ArrayNode:
		var k ast.Node
		for _, e := range n.Nodes {
			k = andNodes(k, fc.known(e))
		}
		return k
	}
	return nil
}

func andNodes(a, b ast.Node) ast.Node {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &ast.BinaryNode{Operator: "&&", Left: a, Right: b}
}

// safe returns a fresh copy of n in which every comparison is guarded by
// the known-ness of what it reads, so that the expr program implements the
// unknown-value rules of [Filter].
func (fc *filterCompiler) safe(n ast.Node) ast.Node {
	if fc.overBudget() {
		return &ast.BoolNode{} // compile reports the limit; this is never run
	}
	var out ast.Node
	switch n := n.(type) {
	case *ast.IdentifierNode:
		out = &ast.IdentifierNode{Value: n.Value}
	case *ast.IntegerNode:
		out = &ast.IntegerNode{Value: n.Value}
	case *ast.FloatNode:
		out = &ast.FloatNode{Value: n.Value}
	case *ast.BoolNode:
		out = &ast.BoolNode{Value: n.Value}
	case *ast.StringNode:
		out = &ast.StringNode{Value: n.Value}
	case *ast.ConstantNode:
		out = &ast.ConstantNode{Value: n.Value}
	case *ast.NilNode:
		out = &ast.NilNode{}
	case *ast.PointerNode:
		out = &ast.PointerNode{Name: n.Name}
	case *ast.UnaryNode:
		out = &ast.UnaryNode{Operator: n.Operator, Node: fc.safe(n.Node)}
	case *ast.PredicateNode:
		out = &ast.PredicateNode{Node: fc.safe(n.Node)}
	case *ast.ConditionalNode:
		out = &ast.ConditionalNode{Ternary: n.Ternary, Cond: fc.safe(n.Cond), Exp1: fc.safe(n.Exp1), Exp2: fc.safe(n.Exp2)}
	case *ast.ArrayNode:
		a := &ast.ArrayNode{Nodes: make([]ast.Node, len(n.Nodes))}
		for i, e := range n.Nodes {
			a.Nodes[i] = fc.safe(e)
		}
		out = a
	case *ast.BuiltinNode:
		b := &ast.BuiltinNode{Name: n.Name, Arguments: make([]ast.Node, len(n.Arguments))}
		for i, e := range n.Arguments {
			b.Arguments[i] = fc.safe(e)
		}
		out = b
	case *ast.BinaryNode:
		out = fc.safeBinary(n)
	default:
		panic(fmt.Sprintf("convreport: filter: unexpected node %T", n)) // resolve let it through
	}
	out.SetLocation(n.Location())
	return out
}

func (fc *filterCompiler) safeBinary(n *ast.BinaryNode) ast.Node {
	if p, isNil := nilTest(fc, n); isNil {
		k := &ast.IdentifierNode{Value: knownPrefix + p.Name}
		if n.Operator == "==" {
			return &ast.UnaryNode{Operator: "!", Node: k}
		}
		return k
	}
	if n.Operator == "??" {
		return &ast.ConditionalNode{
			Ternary: true,
			Cond:    fc.known(n.Left),
			Exp1:    fc.safe(n.Left),
			Exp2:    fc.safe(n.Right),
		}
	}
	b := &ast.BinaryNode{Operator: n.Operator, Left: fc.safe(n.Left), Right: fc.safe(n.Right)}
	if !isComparison(n.Operator) {
		return b
	}
	k := andNodes(fc.known(n.Left), fc.known(n.Right))
	if k == nil {
		return b
	}
	b.SetLocation(n.Location())
	if n.Operator == "!=" {
		return &ast.BinaryNode{Operator: "||", Left: &ast.UnaryNode{Operator: "!", Node: k}, Right: b}
	}
	return &ast.BinaryNode{Operator: "&&", Left: k, Right: b}
}

// nilTest recognises X == nil, X != nil, nil == X and nil != X.
func nilTest(fc *filterCompiler, n *ast.BinaryNode) (Field, bool) {
	if n.Operator != "==" && n.Operator != "!=" {
		return Field{}, false
	}
	if _, ok := n.Right.(*ast.NilNode); ok {
		return fc.prop(n.Left)
	}
	if _, ok := n.Left.(*ast.NilNode); ok {
		return fc.prop(n.Right)
	}
	return Field{}, false
}

// compile turns n (a resolved, checked subtree) into a program that
// applies the unknown-value rules.
// overBudget counts one more node built and reports whether the budget is
// spent.
func (fc *filterCompiler) overBudget() bool {
	fc.made++
	return fc.made > fc.maxMade
}

func (fc *filterCompiler) compile(n ast.Node) (*program, error) {
	fc.made = 0
	safe := fc.safe(n)
	if fc.made > fc.maxMade {
		return nil, &LimitError{Limit: "expanded nodes", Max: fc.maxMade, Got: fc.maxMade + 1}
	}
	tree := &parser.Tree{Node: safe, Source: file.NewSource(fc.src)}
	if _, err := checker.Check(tree, fc.cfg); err != nil {
		return nil, exprError(fc.src, err)
	}
	if err := optimizer.Optimize(&tree.Node, fc.cfg); err != nil {
		return nil, exprError(fc.src, err)
	}
	prog, err := compiler.Compile(tree, fc.cfg)
	if err != nil {
		return nil, exprError(fc.src, err)
	}
	p := &program{prog: prog}
	props := map[string]int{}
	ast.Walk(&tree.Node, identVisitor(func(name string) {
		var base string
		switch {
		case strings.HasPrefix(name, timePrefix):
			i, _ := strconv.Atoi(name[len(timePrefix):])
			for _, t := range p.times {
				if t.name == name {
					return
				}
			}
			p.times = append(p.times, timeSlot{name: name, lit: fc.lits[i]})
			return
		case strings.HasPrefix(name, knownPrefix):
			base = name[len(knownPrefix):]
		default:
			base = name
		}
		pr, ok := fc.used[base]
		if !ok {
			return
		}
		i, seen := props[base]
		if !seen {
			i = len(p.props)
			props[base] = i
			p.props = append(p.props, propSlot{p: pr, knownName: knownPrefix + pr.Name})
		}
		if base == name {
			p.props[i].value = true
		} else {
			p.props[i].known = true
		}
	}))
	return p, nil
}

type identVisitor func(name string)

func (v identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v(id.Value)
	}
}

// program is a compiled expr program and the environment it reads.
type program struct {
	prog  *vm.Program
	props []propSlot
	times []timeSlot
	pool  sync.Pool // of *runState
}

type propSlot struct {
	p         Field
	knownName string
	value     bool // the program reads the value (under p.Name)
	known     bool // the program reads whether it is known (under knownName)
}

type timeSlot struct {
	name string
	lit  TimeLit
}

// runState is what one evaluation needs; vm.VM is not safe for concurrent
// use, so each goroutine takes its own from the pool.
type runState struct {
	vm  vm.VM
	env map[string]any
}

func (p *program) run(row Row, fenv Env) (bool, error) {
	st, _ := p.pool.Get().(*runState)
	if st == nil {
		st = &runState{env: make(map[string]any, 2*len(p.props)+len(p.times))}
	}
	defer p.pool.Put(st)
	for i := range p.props {
		s := &p.props[i]
		v, known, err := row.Value(s.p)
		if err != nil {
			return false, err
		}
		if s.value {
			st.env[s.p.Name] = v
		}
		if s.known {
			st.env[s.knownName] = known
		}
	}
	for _, t := range p.times {
		st.env[t.name] = t.lit.At(fenv)
	}
	out, err := st.vm.Run(p.prog, st.env)
	if err != nil {
		return false, fmt.Errorf("convreport: filter: conversation %q: %w", row.ID(), err)
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("convreport: filter: conversation %q: result is %T, not a bool", row.ID(), out)
	}
	return b, nil
}

// foldDurations computes arithmetic on constant durations at compile time
// (a sum, a difference, a duration times or divided by a number),
// exactly, and refuses what leaves the range of time.Duration. expr-lang
// wraps such a result around, and a filter would then compare with a
// duration of the other sign; it also makes a duration times a fraction a
// plain number, which then equals no duration. A time constant plus or
// minus durations keeps its offset (see timeConstant), checked the same way.
func (fc *filterCompiler) foldDurations(np *ast.Node, n *ast.BinaryNode) error {
	if n.Operator != "+" && n.Operator != "-" && n.Operator != "*" && n.Operator != "/" {
		return nil
	}
	if n.Operator == "+" || n.Operator == "-" {
		if _, ok := fc.timeConstant(n); ok {
			// Each nested offset was checked on the way up: only the last
			// addition can overflow.
			t, tok := fc.timeConstant(n.Left)
			d, dok := n.Right.(*ast.ConstantNode)
			if !tok && n.Operator == "+" {
				t, tok = fc.timeConstant(n.Right)
				d, dok = n.Left.(*ast.ConstantNode)
			}
			if tok && dok {
				dv, _ := d.Value.(time.Duration)
				if n.Operator == "-" {
					dv = -dv
				}
				if _, ok := addDurations(t.offset, dv); !ok || dv == math.MinInt64 {
					return fc.errAt(n, "the durations added to the time overflow: together they are beyond %s, the longest duration", time.Duration(math.MaxInt64))
				}
			}
			return nil
		}
	}
	if !fc.isDuration(n.Left) && !fc.isDuration(n.Right) {
		return nil // folded bottom-up: a constant duration is a node by now
	}
	l, lok := fc.number(n.Left)
	r, rok := fc.number(n.Right)
	ld, lIsD := l.(time.Duration)
	rd, rIsD := r.(time.Duration)
	if !lok || !rok {
		_, lf := l.(float64)
		_, rf := r.(float64)
		if n.Operator == "*" && (lf || rf) {
			return fc.errAt(n, "a duration times a fraction can only be written between constants, like duration(\"1m\") * 1.5")
		}
		return nil // a property's value: left to expr-lang
	}
	var res time.Duration
	ok := true
	switch {
	case lIsD && rIsD && n.Operator == "+":
		res, ok = addDurations(ld, rd)
	case lIsD && rIsD && n.Operator == "-":
		res, ok = addDurations(ld, -rd)
		ok = ok && rd != math.MinInt64
	case n.Operator == "*" && lIsD != rIsD:
		d, x := ld, r
		if rIsD {
			d, x = rd, l
		}
		res, ok = mulDuration(d, x)
	case n.Operator == "/" && lIsD && !rIsD:
		if r == 0 || r == 0.0 {
			return fc.errAt(n, "division by zero")
		}
		if x, isInt := r.(int); isInt {
			res, ok = ld/time.Duration(x), !(x == -1 && ld == math.MinInt64)
		} else {
			f := math.Round(float64(ld) / r.(float64))
			res, ok = time.Duration(f), !math.IsNaN(f) && f < 1<<63 && f >= -(1<<63)
		}
	default:
		return nil // left to the type checker, which refuses it
	}
	if !ok {
		return fc.errAt(n, "the duration overflows: it is beyond %s, the longest duration", time.Duration(math.MaxInt64))
	}
	c := &ast.ConstantNode{Value: res}
	c.SetLocation(n.Location())
	*np = c
	return nil
}

// isDuration reports whether n is a constant duration or a duration
// property.
func (fc *filterCompiler) isDuration(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.ConstantNode:
		_, ok := n.Value.(time.Duration)
		return ok
	case *ast.IdentifierNode:
		p, ok := fc.used[n.Value]
		return ok && p.Kind == KindDuration
	}
	return false
}

// number is the value of a constant operand of arithmetic: a
// time.Duration, an int or a float64; false when n reads a property or the
// query, and then whether it is a duration or a fraction when that can be
// told from n alone.
func (fc *filterCompiler) number(n ast.Node) (any, bool) {
	switch n := n.(type) {
	case *ast.ConstantNode:
		if d, ok := n.Value.(time.Duration); ok {
			return d, true
		}
		return nil, false
	case *ast.IntegerNode:
		return n.Value, true
	case *ast.FloatNode:
		return n.Value, true
	case *ast.IdentifierNode:
		if p, ok := fc.used[n.Value]; ok && p.Kind == KindDuration {
			return time.Duration(0), false
		}
		return nil, false
	}
	if fc.reads(n) {
		return nil, false
	}
	switch v, _ := fc.constValue(n); v := v.(type) {
	case int, float64:
		return v, true
	}
	return nil, false
}

// addDurations returns a+b, and false when it overflows.
func addDurations(a, b time.Duration) (time.Duration, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

// mulDuration returns d times x (an int or a float64, rounded to the
// nanosecond), and false when it overflows or x is not a number.
func mulDuration(d time.Duration, x any) (time.Duration, bool) {
	switch x := x.(type) {
	case int:
		p := d * time.Duration(x)
		if x != 0 && (p/time.Duration(x) != d || x == -1 && d == math.MinInt64) {
			return 0, false
		}
		return p, true
	case float64:
		f := math.Round(float64(d) * x)
		// 2⁶³ is exactly a float64: anything from it up overflows.
		if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
			return 0, false
		}
		return time.Duration(f), true
	}
	return 0, false
}

// quotedList is values quoted, comma-separated: a value that holds a
// comma ("Enterprise, EU") still reads as one.
func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
