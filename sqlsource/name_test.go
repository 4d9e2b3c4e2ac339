package sqlsource_test

import (
	"context"
	"errors"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-source-named"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		// The DSN only names the database: the example's, not the test's.
		src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m), sqlsource.WithDSN("postgres://helpdesk:s3cret@db.internal:5432/support?sslmode=require"))
		require.NoError(t, err)
		_, err = db.Exec("ALTER TABLE conversations_doc DROP COLUMN assignee")
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(context.Background(), conformance.Queries()[1].Query, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
		return err
	}
}

// A source's errors begin with what it reads, not its Go type
// ("reading source *sqlsource.Source"): the dialect, the table and the
// database WithDSN names, never its password nor its parameters.
func TestSourceNamesItsDatabase(t *testing.T) {
	for _, c := range []struct {
		dsn, want string
	}{
		{"postgres://helpdesk:s3cret@db.internal:5432/support?sslmode=require&password=other", "helpdesk@db.internal:5432/support"},
		{"host=db.internal port=5432 dbname=support user=helpdesk password='s3 cret' sslmode=require", "helpdesk@db.internal:5432/support"},
		{"clickhouse://default:s3cret@ch1:9000,ch2:9000/analytics?dial_timeout=2s&password=s3cret", "default@ch1:9000,ch2:9000/analytics"},
		{"file:/var/lib/helpdesk.db?_pragma=busy_timeout(10000)", "/var/lib/helpdesk.db"},
		{"helpdesk.db", "helpdesk.db"},
		{"postgres://%zz:s3cret@db/x", ""}, // unparsable: nothing rather than the password
	} {
		db := openDB(t, sqlsource.SQLite)
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, sqlsource.Mapping{}, nil))
		src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithDSN(c.dsn))
		require.NoError(t, err)
		want := "sqlite table `conversations`"
		if c.want != "" {
			want += " at " + c.want
		}
		require.Equal(t, want, src.Name(), c.dsn)
		require.NotContains(t, src.Name(), "s3")
	}

	ctx := context.Background()
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "h4name"), Tenant: "account"}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, nil))
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithDSN("postgres://helpdesk:s3cret@db.internal:5432/support"))
			require.NoError(t, err)
			name := d.String() + " table " + quoteIdent(d, m.Table) + " at helpdesk@db.internal:5432/support"
			require.Equal(t, name, src.Name())
			acme, err := src.ForTenant("acme")
			require.NoError(t, err)
			require.Equal(t, name, acme.Name(), "a tenant's source names the same")
			// No tenant: every run fails, and says where.
			_, err = convreport.NewEngine(src).Run(ctx, conformance.Queries()[1].Query, convreport.Report{Name: "all"})
			var se *convreport.SourceError
			require.True(t, errors.As(err, &se), "%v", err)
			require.Equal(t, name, se.Source)
			require.ErrorContains(t, err, "convreport: reading source "+name+": ")
		})
	}
}
