package parquetio

import (
	"fmt"
	"sort"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/convreport/convreport"
)

// metaSchema is the key of the file's key-value metadata that declares
// its custom properties, as JSON: [{"name":…,"kind":…,"values":[…]}].
const metaSchema = "convreport.schema"

type fieldType uint8

const (
	tString fieldType = iota
	tTime
	tCount
)

// builtin is a built-in field of a conversation: its column name (the
// JSON Lines key), type, and how to reach it.
type builtin struct {
	name   string
	typ    fieldType
	dict   bool // values repeat: dictionary-encoded
	get    func(*convreport.Conversation) string
	set    func(*convreport.Conversation, string)
	time   func(*convreport.Conversation) *time.Time
	count  func(*convreport.Conversation) *int
	needed bool // a valid conversation has it: a file must have the column
}

func str(name string, dict bool, p func(*convreport.Conversation) *string) builtin {
	return builtin{name: name, typ: tString, dict: dict,
		get: func(c *convreport.Conversation) string { return *p(c) },
		set: func(c *convreport.Conversation, s string) { *p(c) = s }}
}

func tm(name string, p func(*convreport.Conversation) *time.Time) builtin {
	return builtin{name: name, typ: tTime, time: p}
}

func cnt(name string, p func(*convreport.Conversation) *int) builtin {
	return builtin{name: name, typ: tCount, count: p}
}

// builtins are the built-in fields, in the order of the interchange
// format (docs/semantics.md).
var builtins = func() []builtin {
	bs := []builtin{
		str("id", false, func(c *convreport.Conversation) *string { return &c.ID }),
		{name: "channel", typ: tString, dict: true,
			get: func(c *convreport.Conversation) string { return string(c.Channel) },
			set: func(c *convreport.Conversation, s string) { c.Channel = convreport.Channel(s) }},
		str("inbox", true, func(c *convreport.Conversation) *string { return &c.Inbox }),
		str("assignee", true, func(c *convreport.Conversation) *string { return &c.Assignee }),
		str("team", true, func(c *convreport.Conversation) *string { return &c.Team }),
		{name: "status", typ: tString, dict: true,
			get: func(c *convreport.Conversation) string { return string(c.Status) },
			set: func(c *convreport.Conversation, s string) { c.Status = convreport.Status(s) }},
		tm("created_at", func(c *convreport.Conversation) *time.Time { return &c.CreatedAt }),
		tm("first_assigned_at", func(c *convreport.Conversation) *time.Time { return &c.FirstAssignedAt }),
		tm("first_response_at", func(c *convreport.Conversation) *time.Time { return &c.FirstResponseAt }),
		tm("closed_at", func(c *convreport.Conversation) *time.Time { return &c.ClosedAt }),
		str("closed_by", true, func(c *convreport.Conversation) *string { return &c.ClosedBy }),
		str("origin_url", true, func(c *convreport.Conversation) *string { return &c.OriginURL }),
		str("chatflow", true, func(c *convreport.Conversation) *string { return &c.Chatflow }),
		str("source", true, func(c *convreport.Conversation) *string { return &c.Source }),
		str("contact_id", false, func(c *convreport.Conversation) *string { return &c.ContactID }),
		str("subject", false, func(c *convreport.Conversation) *string { return &c.Subject }),
		cnt("incoming_messages", func(c *convreport.Conversation) *int { return &c.IncomingMessages }),
		cnt("outgoing_messages", func(c *convreport.Conversation) *int { return &c.OutgoingMessages }),
	}
	for i := range bs {
		switch bs[i].name {
		case "id", "channel", "status", "created_at":
			bs[i].needed = true
		}
	}
	return bs
}()

// column is one leaf column of the file's schema.
type column struct {
	name   string // "inbox", or "properties.tier"
	index  int    // its leaf index in the file
	maxDef int    // 1 for an optional column, 0 for a required one
	f      *builtin
	prop   *convreport.Property
}

// layout is the Parquet schema of conversations under a convreport
// schema, and its columns in leaf order.
type layout struct {
	schema *parquet.Schema
	cols   []column
	props  map[string]*convreport.Property
}

// The Parquet types of the columns. Times are TIMESTAMP(NANOS) adjusted
// to UTC; durations are INT64 nanoseconds; strings are UTF-8 byte arrays,
// dictionary-encoded where values repeat.
func builtinNode(b *builtin) parquet.Node {
	switch b.typ {
	case tTime:
		return parquet.Optional(parquet.Timestamp(parquet.Nanosecond))
	case tCount:
		return parquet.Int(64)
	}
	if b.dict {
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
	}
	return parquet.Optional(parquet.String())
}

func propertyNode(p *convreport.Property) (parquet.Node, error) {
	switch p.Kind {
	case convreport.KindString:
		return parquet.Optional(parquet.String()), nil
	case convreport.KindEnum:
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary)), nil
	case convreport.KindNumber:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType)), nil
	case convreport.KindBool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType)), nil
	case convreport.KindTime:
		return parquet.Optional(parquet.Timestamp(parquet.Nanosecond)), nil
	case convreport.KindDuration:
		return parquet.Optional(parquet.Int(64)), nil
	}
	return nil, fmt.Errorf("parquetio: custom property %q has kind %s, which Parquet files cannot hold", p.Name, p.Kind)
}

func newLayout(schema *convreport.Schema) (*layout, error) {
	root := parquet.Group{}
	for i := range builtins {
		root[builtins[i].name] = builtinNode(&builtins[i])
	}
	l := &layout{props: map[string]*convreport.Property{}}
	custom := schema.Custom()
	if len(custom) > 0 {
		props := parquet.Group{}
		for i := range custom {
			p := &custom[i]
			n, err := propertyNode(p)
			if err != nil {
				return nil, err
			}
			props[p.Name] = n
			l.props[p.Name] = p
		}
		root["properties"] = props
	}
	l.schema = parquet.NewSchema("conversation", root)
	for i := range builtins {
		b := &builtins[i]
		leaf, _ := l.schema.Lookup(b.name)
		l.cols = append(l.cols, column{name: b.name, index: leaf.ColumnIndex, maxDef: leaf.MaxDefinitionLevel, f: b})
	}
	for i := range custom {
		p := &custom[i]
		leaf, _ := l.schema.Lookup("properties", p.Name)
		l.cols = append(l.cols, column{name: "properties." + p.Name, index: leaf.ColumnIndex, maxDef: leaf.MaxDefinitionLevel, prop: p})
	}
	// A row's values go in leaf order.
	sort.Slice(l.cols, func(i, j int) bool { return l.cols[i].index < l.cols[j].index })
	return l, nil
}

// declaration is how the file's metadata declares a custom property.
type declaration struct {
	Name   string          `json:"name"`
	Kind   convreport.Kind `json:"kind"`
	Values []string        `json:"values,omitempty"`
}

func declare(schema *convreport.Schema) []declaration {
	out := []declaration{}
	for _, p := range schema.Custom() {
		out = append(out, declaration{Name: p.Name, Kind: p.Kind, Values: p.Values})
	}
	return out
}
