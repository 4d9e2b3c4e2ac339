package sqlsource_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// tenantFixture is several tenants' conversations for one shared table.
// Tenants share some conversation IDs, as accounts of a helpdesk do, and
// each row's ContactID names its tenant, so a leaked row shows at once.
func tenantFixture(seed uint64) map[string][]convreport.Conversation {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := map[string][]convreport.Conversation{}
	for k, tenant := range []string{"acme", "globex", "initech", "umbrella"} {
		cs := sourcetest.Generate(40+rng.IntN(60), seed+uint64(k))
		for i := range cs {
			cs[i].ContactID = "contact-of-" + tenant
			if rng.IntN(3) > 0 {
				// Most IDs exist in another tenant too.
				cs[i].ID = fmt.Sprintf("conv-%d", i)
			} else {
				cs[i].ID = fmt.Sprintf("%s-only-%d", tenant, i)
			}
		}
		out[tenant] = cs
	}
	return out
}

// Filters that select every row, written as a hostile report would to
// widen its reach: an OR at the top, a tautology, a NOT.
var wideningFilters = []string{
	`true`,
	`Channel == "chat" || true`,
	`!(Channel == "chat") || Channel == "chat"`,
	`not (Inbox == "no such inbox")`,
	`ContactID != "contact-of-acme" || ContactID == "contact-of-acme"`,
}

// One tenant never sees another's rows: in runs (pushed down and scanned),
// in drill-downs (Engine.DrillDown and Engine.DrillPage) and through the
// same reads the CLI's exports make, whatever the report's filter. Each
// tenant's counts are checked against a plain loop over that tenant's
// rows, and the overview reports against a memory source holding only
// them.
func TestTenantsNeverSeeEachOther(t *testing.T) {
	t.Parallel()
	fixture := tenantFixture(5)
	tenants := slices.Sorted(maps.Keys(fixture))
	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC),
		// The SLA template's policy, for its reports: a tenant's SLA
		// measures must be its own too.
		SLA: &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA()}}}
	schema := sourcetest.Schema()
	ctx := context.Background()
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "tenants"), Tenant: "account"}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
			for _, tenant := range tenants {
				require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, schema, tenant, fixture[tenant]))
			}
			shared, err := sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
			require.NoError(t, err)
			for mode, opts := range map[string][]sqlsource.Option{"pushdown": nil, "scan": {sqlsource.WithoutPushdown()}} {
				t.Run(mode, func(t *testing.T) {
					for _, tenant := range tenants {
						src, err := sqlsource.New(db, d, append(opts, sqlsource.WithSchema(schema), sqlsource.WithMapping(m), sqlsource.WithTenant(tenant))...)
						require.NoError(t, err)
						checkTenant(t, src, tenant, fixture[tenant], q)
						if mode == "pushdown" {
							st := src.Stats()
							require.Positive(t, st.Answered, "runs pushed down")
							require.Positive(t, st.DrillsAnswered, "drill-down pages in SQL")
							// ForTenant gives the same view; the
							// overview reports below read through it.
							view, err := shared.ForTenant(tenant)
							require.NoError(t, err)
							n := 0
							for c, err := range view.Scan(context.Background(), convreport.ScanHint{}) {
								require.NoError(t, err)
								require.Equal(t, "contact-of-"+tenant, c.ContactID)
								n++
							}
							require.Equal(t, len(fixture[tenant]), n)
						}
					}
				})
			}
			// The overview reports equal a memory source of the tenant's
			// rows alone.
			reports := overviewReports()
			for _, tenant := range tenants {
				mem, err := memory.New(fixture[tenant], memory.WithSchema(schema))
				require.NoError(t, err)
				want, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
				require.NoError(t, err)
				view, err := shared.ForTenant(tenant)
				require.NoError(t, err)
				got, err := convreport.NewEngine(view).Run(ctx, q, reports...)
				require.NoError(t, err)
				requireSameText(t, resultText(want), resultText(got), "%s: overview reports", tenant)
			}
		})
	}
}

// checkTenant runs a count by inbox under every widening filter, drills
// into every point both ways and scans the source, requiring exactly the
// tenant's rows.
func checkTenant(t *testing.T, src *sqlsource.Source, tenant string, mine []convreport.Conversation, q convreport.Query) {
	t.Helper()
	ctx := context.Background()
	eng := convreport.NewEngine(src)
	// The reference: the tenant's rows in the range, by inbox.
	byInbox := map[string][]string{}
	for _, c := range mine {
		if !c.CreatedAt.Before(q.From) && c.CreatedAt.Before(q.To) {
			byInbox[c.Inbox] = append(byInbox[c.Inbox], c.ID)
		}
	}
	for i, filter := range wideningFilters {
		// Every filter is counted; the drill-downs, whose statements the
		// same code writes, are checked under the OR and the NOT.
		drill := i == 1 || i == 2
		r := convreport.Report{Name: "by inbox", Filter: filter, Dimensions: []string{"Inbox"}}
		res, err := eng.Run(ctx, q, r)
		require.NoError(t, err, "%s: %s", tenant, filter)
		got := map[string]int{}
		for _, p := range res[0].Points {
			v := p.Dimensions[0].Value // "" for no value, as Inbox is in Go
			got[v] = int(p.Count)
			if !drill {
				continue
			}
			want := slices.Sorted(slices.Values(byInbox[v]))

			dr, err := eng.DrillDown(ctx, q, r, p)
			require.NoError(t, err)
			var ids []string
			for c := range dr.All() {
				require.Equal(t, "contact-of-"+tenant, c.ContactID, "%s: DrillDown of %s under %q leaks a row of another tenant", tenant, v, filter)
				ids = append(ids, c.ID)
			}
			require.Equal(t, want, slices.Sorted(slices.Values(ids)), "%s: DrillDown of inbox %q", tenant, v)

			ids = nil
			for offset := 0; ; offset += 7 {
				page, err := eng.DrillPage(ctx, q, r, p, "ID", false, offset, 7)
				require.NoError(t, err)
				require.Equal(t, len(want), page.Total, "%s: DrillPage total of inbox %q", tenant, v)
				for _, c := range page.Rows {
					require.Equal(t, "contact-of-"+tenant, c.ContactID, "%s: DrillPage leaks a row of another tenant", tenant)
					ids = append(ids, c.ID)
				}
				if len(page.Rows) < 7 {
					break
				}
			}
			require.Equal(t, want, ids, "%s: DrillPage of inbox %q, sorted by ID", tenant, v)
		}
		want := map[string]int{}
		for v, ids := range byInbox {
			want[v] = len(ids)
		}
		require.Equal(t, want, got, "%s: counts by inbox under %q", tenant, filter)
	}
	// Scan, which the exports and every declined report read through.
	n := 0
	for c, err := range src.Scan(ctx, convreport.ScanHint{}) {
		require.NoError(t, err)
		require.Equal(t, "contact-of-"+tenant, c.ContactID, "%s: Scan leaks a row of another tenant", tenant)
		n++
	}
	require.Equal(t, len(mine), n, "%s: Scan reads every row of the tenant", tenant)
}

// A source over a shared table that was given no tenant reads nothing:
// runs, drill-downs and scans fail, naming the tenant column; a tenant
// without a tenant column, or of a type no column holds, is refused at
// New.
func TestTenantRequired(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.SQLite)
	m := sqlsource.Mapping{Table: "shared", Tenant: "account"}
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.SQLite, m, nil))
	cs := sourcetest.Generate(20, 1)
	require.ErrorContains(t, sqlsource.Insert(ctx, db, sqlsource.SQLite, m, convreport.DefaultSchema(), nil),
		"table `shared` is shared by tenants (column `account`): give the rows' tenant")
	require.NoError(t, sqlsource.InsertTenant(ctx, db, sqlsource.SQLite, m, sourcetest.Schema(), "acme", cs))

	src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m))
	require.NoError(t, err)
	const want = "sqlsource: table `shared` is shared by tenants (column `account`) and this source has none: use ForTenant or WithTenant"
	q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	eng := convreport.NewEngine(src)
	_, err = eng.Run(ctx, q, convreport.Report{Name: "all"})
	require.ErrorContains(t, err, want)
	_, err = eng.DrillPage(ctx, q, convreport.Report{Name: "all"}, convreport.Point{}, "", false, 0, 10)
	require.ErrorContains(t, err, want)
	for _, err := range src.Scan(ctx, convreport.ScanHint{}) {
		require.EqualError(t, err, want)
		break
	}

	_, err = sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: "shared"}), sqlsource.WithTenant("acme"))
	require.EqualError(t, err, "sqlsource: a tenant (acme) needs a mapping that names the tenant column (Mapping.Tenant)")
	_, err = src.ForTenant(3.5)
	require.EqualError(t, err, "sqlsource: tenant of type float64: want a string or an integer")
	_, err = src.ForTenant("")
	require.ErrorContains(t, err, `tenant "": want a non-empty string`)
	_, err = sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: "shared", Tenant: "inbox"}))
	require.EqualError(t, err, `sqlsource: mapping: tenant column "inbox" is also the column of Inbox`)
	acme, err := src.ForTenant("acme")
	require.NoError(t, err)
	require.Equal(t, "acme", acme.Tenant())
	res, err := convreport.NewEngine(acme).Run(ctx, q, convreport.Report{Name: "all"})
	require.NoError(t, err)
	require.Equal(t, int64(len(cs)), res[0].Points[0].Count)
}

// An integer tenant column, as many embedders key accounts: the tenant is
// an integer parameter.
func TestTenantInteger(t *testing.T) {
	ctx := context.Background()
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := tableName(t, db, d, "tenant_int")
			m := sqlsource.Mapping{Table: table}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, sourcetest.Schema()))
			// The embedder's own integer column, added to the table.
			typ := "bigint NOT NULL DEFAULT 0"
			switch d {
			case sqlsource.SQLite:
				typ = "INTEGER NOT NULL DEFAULT 0"
			case sqlsource.ClickHouse:
				typ = "Int64 DEFAULT 0"
			}
			_, err := db.Exec("ALTER TABLE " + quoteIdent(d, table) + " ADD COLUMN account_id " + typ)
			require.NoError(t, err)
			m.Tenant = "account_id"
			cs := sourcetest.Generate(40, 2)
			for i := range cs {
				cs[i].ID = fmt.Sprintf("c%d", i)
			}
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), int64(7), cs[:25]))
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), 8, cs[25:]))
			q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			for tenant, want := range map[int]int{7: 25, 8: 15, 9: 0} {
				src, err := sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m), sqlsource.WithTenant(tenant))
				require.NoError(t, err)
				res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "all", Filter: `true || Channel == "chat"`})
				require.NoError(t, err)
				require.Equal(t, int64(want), res[0].Matched, "tenant %d", tenant)
			}
		})
	}
}

// sourcetest passes on one tenant of a table whose other tenant holds as
// many rows again, with the same IDs: every query of the corpus, its
// drill-downs and pages among them, sees the tenant's rows only.
//
// Under the race detector, which slows pure-Go SQLite forty times, it runs
// on PostgreSQL only; TestTenantsNeverSeeEachOther covers SQLite there.
func TestTenantConformance(t *testing.T) {
	t.Parallel()
	ds := conformanceDialects
	if raceEnabled {
		ds = []sqlsource.Dialect{sqlsource.PostgreSQL}
	}
	for _, d := range ds {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			db := openDB(t, d)
			var src *sqlsource.Source
			sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
				ctx := context.Background()
				m := sqlsource.Mapping{Table: tableName(t, db, d, "conf_tenant"), Tenant: "account"}
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, sourcetest.Schema()))
				noise := sourcetest.Generate(len(cs), 77)
				for i := range noise {
					if i < len(cs) {
						noise[i].ID = cs[i].ID // the same IDs, other rows
					}
				}
				require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), "noise", noise))
				require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), "mine", cs))
				var err error
				src, err = sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m), sqlsource.WithTenant("mine"))
				require.NoError(t, err)
				return src
			}, conformanceRows(), 14)
			require.Positive(t, src.Stats().Answered)
			require.Positive(t, src.Stats().DrillsAnswered)
		})
	}
}

// A tenant given as the other kind than its column holds — "42" for an
// integer column, as a command line gives every tenant, 42 for a text
// one — is converted to the column's kind at New and ForTenant: it used
// to fail in PostgreSQL with "operator does not exist: integer = text".
// In PostgreSQL a column of another type (uuid) takes the tenant as text.
func TestTenantGivenAsTheOtherKind(t *testing.T) {
	ctx := context.Background()
	q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	all := convreport.Report{Name: "all", Filter: `true || Channel == "chat"`}
	cs := sourcetest.Generate(40, 3)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("c%d", i)
	}
	matched := func(t *testing.T, src *sqlsource.Source) int64 {
		t.Helper()
		res, err := convreport.NewEngine(src).Run(ctx, q, all)
		require.NoError(t, err)
		return res[0].Matched
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			// An integer column of the embedder's own (PostgreSQL's
			// integer, not the bigint the parameter is).
			table := tableName(t, db, d, "tenant_kind")
			m := sqlsource.Mapping{Table: table}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, sourcetest.Schema()))
			typ := map[sqlsource.Dialect]string{sqlsource.SQLite: "INTEGER NOT NULL DEFAULT 0", sqlsource.PostgreSQL: "integer NOT NULL DEFAULT 0", sqlsource.ClickHouse: "Int32 DEFAULT 0"}[d]
			_, err := db.Exec("ALTER TABLE " + quoteIdent(d, table) + " ADD COLUMN acct " + typ)
			require.NoError(t, err)
			m.Tenant = "acct"
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), int64(42), cs[:25]))
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, m, sourcetest.Schema(), int64(7), cs[25:]))
			src, err := sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m), sqlsource.WithTenant("42"))
			require.NoError(t, err)
			require.Equal(t, int64(42), src.Tenant(), "converted to the column's kind")
			require.Equal(t, int64(25), matched(t, src))
			other, err := src.ForTenant("7")
			require.NoError(t, err)
			require.Equal(t, int64(15), matched(t, other))
			_, err = src.ForTenant("acme")
			require.EqualError(t, err, fmt.Sprintf("sqlsource: tenant %q: the tenant column %s of table %s holds integers", "acme", quoteIdent(d, "acct"), quoteIdent(d, table)))
			_, err = sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m), sqlsource.WithTenant("4 2"))
			require.ErrorContains(t, err, "holds integers")

			// A text column (CreateTable's) given an integer.
			textM := sqlsource.Mapping{Table: tableName(t, db, d, "tenant_text"), Tenant: "acct"}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, textM, sourcetest.Schema()))
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, textM, sourcetest.Schema(), "42", cs[:10]))
			require.NoError(t, sqlsource.InsertTenant(ctx, db, d, textM, sourcetest.Schema(), "042", cs[10:]))
			src, err = sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(textM), sqlsource.WithTenant(42))
			require.NoError(t, err)
			require.Equal(t, "42", src.Tenant())
			require.Equal(t, int64(10), matched(t, src), `"42" only: the text is compared as text, not "042"`)

			if d != sqlsource.PostgreSQL {
				return
			}
			uuidM := sqlsource.Mapping{Table: tableName(t, db, d, "tenant_uuid")}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, uuidM, sourcetest.Schema()))
			_, err = db.Exec("ALTER TABLE " + quoteIdent(d, uuidM.Table) + " ADD COLUMN acct uuid NOT NULL DEFAULT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'")
			require.NoError(t, err)
			uuidM.Tenant = "acct"
			require.NoError(t, sqlsource.Insert(ctx, db, d, sqlsource.Mapping{Table: uuidM.Table}, sourcetest.Schema(), cs[:12]))
			src, err = sqlsource.New(db, d, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(uuidM), sqlsource.WithTenant("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
			require.NoError(t, err)
			require.Equal(t, int64(12), matched(t, src), "the server reads the text as a uuid, in any case")
			none, err := src.ForTenant("b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
			require.NoError(t, err)
			require.Equal(t, int64(0), matched(t, none))
		})
	}
}
