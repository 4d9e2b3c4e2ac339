package convreport

import (
	"errors"
	"fmt"
	"math"
	"reflect"
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

// The default limits of a filter expression; see [FilterOptions].
const (
	DefaultMaxFilterLength = 4096 // bytes
	DefaultMaxFilterNodes  = 256  // syntax tree nodes
	DefaultMaxPatternSize  = 1000 // instructions of a compiled matches pattern
)

// FilterOptions sets the limits [FilterOptions.Compile] enforces. The zero
// value means the defaults.
type FilterOptions struct {
	// MaxLength is the longest expression accepted, in bytes; zero means
	// DefaultMaxFilterLength.
	MaxLength int
	// MaxNodes is the largest syntax tree accepted (each literal, property,
	// operator and call is a node); zero means DefaultMaxFilterNodes.
	MaxNodes int
	// MaxPatternSize bounds each matches pattern, in instructions of its
	// compiled program; zero means DefaultMaxPatternSize. Matching costs
	// up to its size per character of the text, and a short pattern can be
	// large: [a-z ]{1,1000} is 2001 instructions, each repeat one more,
	// while ^(re|fwd): is 12 and ^.{0,255}$ 514.
	MaxPatternSize int
}

// FilterEnv is what a filter's query-dependent helpers read: now(),
// daysAgo(n) and date("2025-03-01") resolve against it.
type FilterEnv struct {
	// Now is the current instant; zero means time.Now() at each evaluation.
	Now time.Time
	// Zone is the query's time zone; nil means UTC.
	Zone *time.Location
}

func (e FilterEnv) now() time.Time {
	if e.Now.IsZero() {
		return time.Now()
	}
	return e.Now
}

func (e FilterEnv) zone() *time.Location {
	if e.Zone == nil {
		return time.UTC
	}
	return e.Zone
}

// Filter is a compiled, type-checked filter expression. It is immutable and
// safe for concurrent use.
//
// # Language
//
// A filter is an expr-lang expression (https://expr-lang.org) that is true
// for the conversations to keep. Identifiers are property names of the
// [Schema] (Channel, Inbox, FirstResponseTime, custom names); the JSON keys
// (origin_url) are accepted as aliases. Besides the operators of expr-lang
// (== != < <= > >= in, not in, contains, startsWith, endsWith, matches,
// && || !, and, or, not, arithmetic, ?: and ??), a filter can call:
//
//   - duration("5m"): a duration, in time.ParseDuration's format;
//   - date("2025-03-01"), date("2025-03-01T10:00"): the first instant the
//     query's zone's wall clock reads that date and time (for a date, the
//     day's start as [Date.Start] defines it: midnight, or the instant the
//     day began where a DST change skipped midnight);
//     date("2025-03-01T10:00:00Z"): an absolute instant (RFC 3339);
//   - now(): the query's Now; daysAgo(n): the start of the day n days
//     before today, in the query's zone;
//   - len, lower, upper, trim, trimPrefix, trimSuffix, indexOf,
//     lastIndexOf, abs, ceil, floor, round, min, max;
//   - all, any, none, one, count over a written-out list of constants, like
//     any(["refund", "chargeback"], Subject contains #); they do not nest.
//
// Nothing else: no fields or methods, no let, no maps, no ranges, no %. With the
// length and node limits of [FilterOptions], this bounds the work one
// evaluation does by the size of the expression and of the conversation.
//
// The helpers take constants only. Times compare with times, durations with
// durations, numbers with numbers and strings with strings; anything else is
// an error at compile time. Strings compare exactly (case-sensitive).
//
// # Unknown values
//
// A property may be unknown: an empty string, a zero time, a duration that
// does not apply (no agent reply, not closed), an absent custom property.
// A comparison that reads an unknown value (==, <, <=, >, >=, in, contains,
// startsWith, endsWith, matches) is false, and != and not in are true; this
// holds for computed operands too (lower(Subject) contains "x" is false when
// Subject is unknown). X == nil is true when X is unknown, X != nil when it
// is known; X ?? v reads v when X is unknown. A bool property that is
// unknown reads as false on its own: Vip is false and !Vip true.
//
// An empty filter matches every conversation.
type Filter struct {
	src  string
	prog *program // nil for the empty filter
	root *pred
}

// String returns the filter's source text.
func (f *Filter) String() string { return f.src }

// Match reports whether c passes the filter, evaluated with the expr-lang
// virtual machine. It fails only when a custom property of c holds a value
// of the wrong type.
func (f *Filter) Match(c *Conversation, env FilterEnv) (bool, error) {
	if f.prog == nil {
		return true, nil
	}
	return f.prog.run(c, env)
}

// plan returns the predicate tree the engine evaluates natively.
func (f *Filter) plan() *pred { return f.root }

// CompileFilter compiles src against the schema s (nil means
// [DefaultSchema]) with the default limits. An empty or blank src compiles
// to a filter that matches every conversation. A bad expression is reported
// as a *[FilterError] pointing at the position, a limit breach as a
// *[FilterLimitError].
func CompileFilter(s *Schema, src string) (*Filter, error) {
	return FilterOptions{}.Compile(s, src)
}

// Compile is [CompileFilter] with the limits of o.
func (o FilterOptions) Compile(s *Schema, src string) (*Filter, error) {
	if s == nil {
		s = DefaultSchema()
	}
	maxLen, maxNodes, maxPattern := o.MaxLength, o.MaxNodes, o.MaxPatternSize
	if maxLen <= 0 {
		maxLen = DefaultMaxFilterLength
	}
	if maxNodes <= 0 {
		maxNodes = DefaultMaxFilterNodes
	}
	if maxPattern <= 0 {
		maxPattern = DefaultMaxPatternSize
	}
	if len(src) > maxLen {
		return nil, &FilterLimitError{Limit: "length", Max: maxLen, Got: len(src)}
	}
	if strings.TrimSpace(src) == "" {
		return &Filter{src: src, root: &pred{op: pTrue}}, nil
	}
	if !utf8.ValidString(src) {
		return nil, &FilterError{Expr: src, Msg: "expression is not valid UTF-8"}
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
		return nil, &FilterLimitError{Limit: "nodes", Max: maxNodes, Got: nodes}
	}

	// Guards for unknown values make a program a few times its source;
	// 32 times the node limit leaves every sensible filter far inside.
	fc := &filterCompiler{schema: s, src: src, used: map[string]Property{}, maxPattern: maxPattern, maxMade: 32 * maxNodes}
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

// FilterError reports a filter expression that does not compile, and where.
type FilterError struct {
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
func (e *FilterError) Error() string {
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

// FilterLimitError reports a filter expression over one of the limits of
// [FilterOptions].
type FilterLimitError struct {
	Limit string // "length" (in bytes), "nodes", or "expanded nodes"
	Max   int    // the limit
	Got   int    // the expression's size; for "expanded nodes", Max+1
}

// Error says which limit the expression is over, and by how much.
func (e *FilterLimitError) Error() string {
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
		return &FilterError{Expr: src, Msg: err.Error()}
	}
	line, col := position(src, fe.From)
	msg := strings.TrimSpace(fe.Message)
	if msg == `unexpected token Operator("=")` {
		// SQL and spreadsheets compare with one =; expr has no assignment.
		msg = `= is not a comparison: write == to compare, like Channel == "chat"`
	}
	if strings.HasPrefix(msg, "invalid operation") || strings.Contains(msg, "mismatched types") ||
		strings.Contains(msg, "invalid argument") || strings.Contains(msg, "cannot use") {
		msg = exprTypeNames.Replace(msg)
	}
	return &FilterError{Expr: src, Line: line, Column: col, Msg: msg}
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

func kindWord(k Kind) string {
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
	maxDaysAgo     = 100000
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
	schema *Schema
	src    string
	used   map[string]Property // properties read, by Name
	lits   []timeLit           // time literals, referred to as "@i"
	cfg    *conf.Config        // type-checking environment

	maxPattern int // FilterOptions.MaxPatternSize

	// The guards safe adds for unknown values repeat a conditional's
	// condition, so nesting grows the program exponentially: made counts
	// the nodes built, and past maxMade safe and known stop building.
	made, maxMade int
}

func (fc *filterCompiler) errAt(n ast.Node, format string, args ...any) *FilterError {
	line, col := position(fc.src, n.Location().From)
	return &FilterError{Expr: fc.src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// env returns the type-checking environment: a zero value of the right
// type for each name the expression may read.
func (fc *filterCompiler) env() map[string]any {
	env := map[string]any{}
	for _, p := range fc.used {
		env[p.Name] = p.Kind.zero()
		env[knownPrefix+p.Name] = false
	}
	for i := range fc.lits {
		env[timePrefix+strconv.Itoa(i)] = time.Time{}
	}
	return env
}

// prop returns the property n refers to, if n is a (resolved) property
// identifier.
func (fc *filterCompiler) prop(n ast.Node) (Property, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return Property{}, false
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
		p, ok := fc.schema.Lookup(n.Value)
		if !ok {
			msg := fmt.Sprintf("unknown property %q", n.Value)
			if sug := fc.schema.suggest(n.Value); sug != "" {
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
		return fc.resolveBinary(n, inPredicate)
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
		return &FilterError{Expr: fc.src, Msg: "empty expression"}
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
			return fc.errAt(n, "%s needs a string, but %s is %s", n.Operator, p.Name, kindWord(p.Kind))
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

func (fc *filterCompiler) checkOperand(op *ast.BinaryNode, lit ast.Node, p Property) error {
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
		return fc.errAt(op, "cannot compare %s (%s) with %s (%s)%s", p.Name, kindWord(p.Kind), literalText(lit), kindWord(k), hint)
	}
	s, isStr := lit.(*ast.StringNode)
	if !isStr || (op.Operator != "==" && op.Operator != "!=" && op.Operator != "in") {
		return nil
	}
	if s.Value == "" {
		return fc.errAt(lit, "an empty %s is unknown: test it with %s == nil or %s != nil", p.Name, p.Name, p.Name)
	}
	if p.Kind == KindEnum && !slices.Contains(p.Values, s.Value) {
		return fc.errAt(lit, "%s has no value %q (want one of %s)", p.Name, s.Value, strings.Join(p.Values, ", "))
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
		return fc.timeLiteral(timeLit{kind: litNow}), nil
	case helperDaysAgo:
		n, ok := args[0].(*ast.IntegerNode)
		if !ok || n.Value < 0 || n.Value > maxDaysAgo {
			return nil, fc.errAt(args[0], "daysAgo() takes a whole number of days from 0 to %d", maxDaysAgo)
		}
		return fc.timeLiteral(timeLit{kind: litDaysAgo, days: n.Value}), nil
	}
	s, ok := args[0].(*ast.StringNode)
	if !ok {
		if name == helperDuration {
			return nil, fc.errAt(args[0], `duration() takes a constant string, like duration("5m")`)
		}
		return nil, fc.errAt(args[0], `date() takes a constant string, like date("2025-03-01")`)
	}
	if name == helperDuration {
		d, err := parseDurationLit(s.Value)
		if err != nil {
			return nil, fc.errAt(s, "%v", err)
		}
		return &ast.ConstantNode{Value: d}, nil
	}
	lit, err := parseDateLit(s.Value)
	if err != nil {
		return nil, fc.errAt(s, "%v", err)
	}
	return fc.timeLiteral(lit), nil
}

func (fc *filterCompiler) timeLiteral(lit timeLit) ast.Node {
	i := slices.Index(fc.lits, lit)
	if i < 0 {
		i = len(fc.lits)
		fc.lits = append(fc.lits, lit)
	}
	return &ast.IdentifierNode{Value: timePrefix + strconv.Itoa(i)}
}

func parseDurationLit(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want a number and a unit, like 90s, 5m or 1h30m", s)
	}
	return d, nil
}

// parseDateLit reads a date or time: "2025-03-01" and "2025-03-01T10:00[:05]"
// are wall-clock times in the query's zone, RFC 3339 with an offset is an
// absolute instant.
func parseDateLit(s string) (timeLit, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return timeLit{kind: litAbs, abs: t}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return timeLit{kind: litWall, abs: t}, nil
		}
	}
	return timeLit{}, fmt.Errorf("bad date %q: want a date like 2025-03-01, a local time like 2025-03-01T10:00, or RFC 3339 like 2025-03-01T10:00:00Z", s)
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
func nilTest(fc *filterCompiler, n *ast.BinaryNode) (Property, bool) {
	if n.Operator != "==" && n.Operator != "!=" {
		return Property{}, false
	}
	if _, ok := n.Right.(*ast.NilNode); ok {
		return fc.prop(n.Left)
	}
	if _, ok := n.Left.(*ast.NilNode); ok {
		return fc.prop(n.Right)
	}
	return Property{}, false
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
		return nil, &FilterLimitError{Limit: "expanded nodes", Max: fc.maxMade, Got: fc.maxMade + 1}
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
	p         Property
	knownName string
	value     bool // the program reads the value (under p.Name)
	known     bool // the program reads whether it is known (under knownName)
}

type timeSlot struct {
	name string
	lit  timeLit
}

// runState is what one evaluation needs; vm.VM is not safe for concurrent
// use, so each goroutine takes its own from the pool.
type runState struct {
	vm  vm.VM
	env map[string]any
}

func (p *program) run(c *Conversation, fenv FilterEnv) (bool, error) {
	st, _ := p.pool.Get().(*runState)
	if st == nil {
		st = &runState{env: make(map[string]any, 2*len(p.props)+len(p.times))}
	}
	defer p.pool.Put(st)
	for i := range p.props {
		s := &p.props[i]
		v, known, err := rowValue(c, s.p)
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
		st.env[t.name] = t.lit.at(fenv)
	}
	out, err := st.vm.Run(p.prog, st.env)
	if err != nil {
		return false, fmt.Errorf("convreport: filter: conversation %q: %w", c.ID, err)
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("convreport: filter: conversation %q: result is %T, not a bool", c.ID, out)
	}
	return b, nil
}

// rowValue is the value of p for c, typed by p's kind (its zero when
// unknown), and whether it is known. It fails when a custom property holds
// a value of the wrong type.
func rowValue(c *Conversation, p Property) (any, bool, error) {
	v, ok := propertyValue(c, p)
	if !ok {
		return p.Kind.zero(), false, nil
	}
	if p.Custom {
		if err := checkKind(p, v); err != nil {
			return nil, false, fmt.Errorf("convreport: filter: conversation %q: property %s %v", c.ID, p.Name, err)
		}
	}
	return v, true, nil
}

// ConditionError reports a structured [Condition] that cannot be turned
// into an expression.
type ConditionError struct {
	Index    int // position in the list, from 0; -1 for a lone condition
	Property string
	Op       Op
	Value    string // the offending value; empty when the problem is not one value
	Reason   string
}

// Error names the condition (its index when in a list), its property,
// operator and offending value, then the reason.
func (e *ConditionError) Error() string {
	var b strings.Builder
	b.WriteString("convreport: condition")
	if e.Index >= 0 {
		fmt.Fprintf(&b, " #%d", e.Index)
	}
	fmt.Fprintf(&b, ": %s %s", e.Property, e.Op)
	if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// ConditionsExpr returns the expression text of all conditions, joined with
// " && " (an empty string, which matches everything, for none). Errors name
// each bad condition by its index; all of them are reported, joined.
func ConditionsExpr(s *Schema, cs []Condition) (string, error) {
	parts := make([]string, 0, len(cs))
	var errs []error
	for i, c := range cs {
		e, err := c.expr(s)
		if err != nil {
			err.Index = i
			errs = append(errs, err)
			continue
		}
		// Every condition compiles to comparisons joined by &&, or to not
		// (…), which all bind tighter than &&: no parentheses are needed.
		parts = append(parts, e)
	}
	if len(errs) > 0 {
		return "", joinErrors(errs)
	}
	return strings.Join(parts, " && "), nil
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// Expr returns the expression text the condition stands for, which
// [CompileFilter] accepts (s nil means [DefaultSchema]):
//
//	is_any_of      Inbox in ["Sales", "Support"]
//	is_none_of     Inbox not in ["Sales", "Support"]
//	is_known       Inbox != nil
//	is_unknown     Inbox == nil
//	equals         Inbox == "Sales"; on a time, a date means that whole day:
//	               CreatedAt >= date("2025-03-01") && CreatedAt < date("2025-03-02")
//	not_equals     Inbox != "Sales"; on a time and a date: not (…the day…)
//	contains       Subject contains "refund"
//	starts_with    OriginURL startsWith "https://shop."
//	greater_than   IncomingMessages > 3, FirstResponseTime > duration("5m")
//	less_than      CreatedAt < date("2025-03-01")
//	between        X >= a && X < b
//	in_last_days   CreatedAt >= daysAgo(7) && CreatedAt < now()
//	before         CreatedAt < date("2025-03-01")
//	after          CreatedAt >= date("2025-03-01")
//
// in_last_days N keeps the times from midnight N days before today, in the
// query's zone, up to the query's Now: the N whole days before today and
// today so far (in_last_days 0 is today so far).
//
// Values are read by the property's kind: a decimal number, a duration like
// "5m", a date "2025-03-01" (in the query's zone) or an RFC 3339 time, true
// or false, or one of an enum's values; strings are quoted with Go escapes.
func (c Condition) Expr(s *Schema) (string, error) {
	e, err := c.expr(s)
	if err != nil {
		return "", err
	}
	return e, nil
}

func (c Condition) expr(s *Schema) (string, *ConditionError) {
	if s == nil {
		s = DefaultSchema()
	}
	fail := func(value, format string, args ...any) (string, *ConditionError) {
		return "", &ConditionError{Index: -1, Property: c.Property, Op: c.Op, Value: value, Reason: fmt.Sprintf(format, args...)}
	}
	p, ok := s.Lookup(c.Property)
	if !ok {
		msg := fmt.Sprintf("unknown property %q", c.Property)
		if sug := s.suggest(c.Property); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		return fail("", "%s", msg)
	}
	info, ok := c.Op.info()
	if !ok {
		ops := make([]string, len(operatorTable))
		for i, o := range operatorTable {
			ops[i] = string(o.Op)
		}
		return fail("", "unknown operator (want one of %s)", strings.Join(ops, ", "))
	}
	kinds, nvals := info.Kinds, info.Values
	if kinds != nil && !slices.Contains(kinds, p.Kind) {
		return fail("", "%s does not apply to %s, which is %s", c.Op, p.Name, kindWord(p.Kind))
	}
	switch {
	case nvals == 0 && len(c.Values) != 0:
		return fail("", "takes no values, got %d", len(c.Values))
	case nvals == -1 && len(c.Values) == 0:
		return fail("", "needs at least one value")
	case nvals > 0 && len(c.Values) != nvals:
		return fail("", "takes %d value%s, got %d", nvals, plural(nvals), len(c.Values))
	}

	name := p.Name
	switch c.Op {
	case IsKnown:
		return name + " != nil", nil
	case IsUnknown:
		return name + " == nil", nil
	case InLastDays:
		v := strings.TrimSpace(c.Values[0])
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxDaysAgo {
			return fail(c.Values[0], "want a whole number of days from 0 to %d", maxDaysAgo)
		}
		return fmt.Sprintf("%s >= daysAgo(%d) && %s < now()", name, n, name), nil
	}

	lits := make([]string, len(c.Values))
	var dates []timeLit
	for i, v := range c.Values {
		lit, tl, err := conditionLiteral(p, v)
		if err != nil {
			return fail(v, "%v", err)
		}
		lits[i] = lit
		dates = append(dates, tl)
	}
	switch c.Op {
	case IsAnyOf:
		return fmt.Sprintf("%s in [%s]", name, strings.Join(lits, ", ")), nil
	case IsNoneOf:
		return fmt.Sprintf("%s not in [%s]", name, strings.Join(lits, ", ")), nil
	case Equals, NotEquals:
		e := fmt.Sprintf("%s == %s", name, lits[0])
		if p.Kind == KindTime && isDateOnly(dates[0]) {
			next := dates[0].abs.AddDate(0, 0, 1).Format("2006-01-02")
			e = fmt.Sprintf("%s >= %s && %s < date(%q)", name, lits[0], name, next)
			if c.Op == NotEquals {
				e = "not (" + e + ")"
			}
			return e, nil
		}
		if c.Op == NotEquals {
			e = fmt.Sprintf("%s != %s", name, lits[0])
		}
		return e, nil
	case Contains:
		return fmt.Sprintf("%s contains %s", name, lits[0]), nil
	case StartsWith:
		return fmt.Sprintf("%s startsWith %s", name, lits[0]), nil
	case GreaterThan:
		return fmt.Sprintf("%s > %s", name, lits[0]), nil
	case LessThan, Before:
		return fmt.Sprintf("%s < %s", name, lits[0]), nil
	case After:
		return fmt.Sprintf("%s >= %s", name, lits[0]), nil
	case Between:
		if !lessLiteral(p, c.Values[0], c.Values[1], dates) {
			return fail(c.Values[1], "the second value must be greater than the first, %q", c.Values[0])
		}
		return fmt.Sprintf("%s >= %s && %s < %s", name, lits[0], name, lits[1]), nil
	}
	return fail("", "unknown operator")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isDateOnly(t timeLit) bool {
	return t.kind == litWall && t.abs.Equal(time.Date(t.abs.Year(), t.abs.Month(), t.abs.Day(), 0, 0, 0, 0, time.UTC))
}

// conditionLiteral parses v by p's kind and writes it as expression text.
// For a time it also returns the parsed literal.
func conditionLiteral(p Property, v string) (string, timeLit, error) {
	switch p.Kind {
	case KindString:
		if v == "" {
			return "", timeLit{}, fmt.Errorf("empty value (use is_unknown for a missing value)")
		}
		if !utf8.ValidString(v) {
			return "", timeLit{}, fmt.Errorf("not valid UTF-8")
		}
		return quoteExpr(v), timeLit{}, nil
	case KindEnum:
		if !slices.Contains(p.Values, v) {
			return "", timeLit{}, fmt.Errorf("not a value of %s (want one of %s)", p.Name, strings.Join(p.Values, ", "))
		}
		return quoteExpr(v), timeLit{}, nil
	case KindNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", timeLit{}, fmt.Errorf("not a number")
		}
		return formatNumber(f), timeLit{}, nil
	case KindBool:
		switch strings.TrimSpace(v) {
		case "true":
			return "true", timeLit{}, nil
		case "false":
			return "false", timeLit{}, nil
		}
		return "", timeLit{}, fmt.Errorf("want true or false")
	case KindDuration:
		if _, err := parseDurationLit(v); err != nil {
			return "", timeLit{}, fmt.Errorf("want a duration like 90s, 5m or 1h30m")
		}
		return fmt.Sprintf("duration(%s)", quoteExpr(strings.TrimSpace(v))), timeLit{}, nil
	case KindTime:
		t, err := parseDateLit(v)
		if err != nil {
			return "", timeLit{}, fmt.Errorf("want a date like 2025-03-01 or an RFC 3339 time like 2025-03-01T10:00:00Z")
		}
		return fmt.Sprintf("date(%s)", quoteExpr(strings.TrimSpace(v))), t, nil
	}
	return "", timeLit{}, fmt.Errorf("unsupported kind %s", p.Kind)
}

// lessLiteral reports whether a < b for the values of a between condition,
// when the order does not depend on the query (it assumes so otherwise).
func lessLiteral(p Property, a, b string, dates []timeLit) bool {
	switch p.Kind {
	case KindNumber:
		x, _ := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, _ := strconv.ParseFloat(strings.TrimSpace(b), 64)
		return x < y
	case KindDuration:
		x, _ := parseDurationLit(a)
		y, _ := parseDurationLit(b)
		return x < y
	case KindTime:
		if dates[0].kind == dates[1].kind {
			return dates[0].abs.Before(dates[1].abs)
		}
	}
	return true
}

// formatNumber writes f as an expr number literal.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quoteExpr quotes s, valid UTF-8, as an expr string literal. strconv.Quote's
// escapes (\", \\, \n, \t, \uNNNN, \UNNNNNNNN, and \xNN below 0x80) mean
// the same in expr; expr reads \xNN as a rune, so invalid UTF-8 (which
// Quote writes as \xNN bytes of 0x80 and up) cannot be written.
func quoteExpr(s string) string { return strconv.Quote(s) }
