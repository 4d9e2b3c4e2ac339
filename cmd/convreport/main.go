// Command convreport runs conversation reports from the command line: the
// Chat overview and Email overview dashboards (or any saved dashboard) over
// a JSON Lines or CSV export, printed for a terminal or written as JSON,
// CSV, Vega-Lite, SVG or a self-contained HTML page, with drill-downs to
// the conversations behind each number.
//
// Usage:
//
//	convreport demo                       the template dashboards on sample data
//	convreport run --data FILE --dashboard chat-overview [flags]
//	convreport drill --data FILE --dashboard D --report NAME --point key=value... (or other=true)
//	convreport templates [QUERY]          list or search dashboard templates
//	convreport check-filter EXPR          check a filter expression
//	convreport generate --n N --seed S --out FILE
//	convreport serve [--data FILE] [--addr 127.0.0.1:8080] [--dashboards DIR]
//	convreport import --data FILE --out DB.db|postgres://…|clickhouse://…|FILE.parquet
//	convreport import --data FILE --out clickhouse://… --cluster NAME   sharded, tables made when missing
//	convreport notify --data postgres://…  live dashboards over a PostgreSQL table
//
// --data also takes an SQLite file (.db), a postgres:// or a clickhouse://
// URL: reports are then computed by the database (--tenant COLUMN=VALUE
// reads one tenant of a shared table; --mapping FILE reads a table of
// another name or layout, such as {"table": "tickets", "times": "timestamp"}).
//
// Run "convreport COMMAND -h" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // --tz works on machines without zone files
)

// exitError carries a process exit code; usage problems exit with 2.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `convreport reports on customer conversations.

Commands:
  demo           generate sample data and show the template dashboards
  run            run a dashboard over a data file
  drill          list the conversations behind one data point
  templates      list or search the dashboard templates
  check-filter   check a filter expression
  generate       write sample conversations to a file
  serve          serve the dashboards in a browser, with a JSON API
  import         copy a data file into an SQLite, PostgreSQL or ClickHouse database
  notify         make a PostgreSQL table tell serve of its changes, for live dashboards

Run "convreport COMMAND -h" for a command's flags.
`

func main() {
	// SIGTERM (kill, a container stopping) ends a command as Ctrl-C does:
	// its context ends, so that a file being written is removed rather
	// than left partial.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "convreport:", withoutPackage(err.Error()))
	} else {
		code = 0
	}
	os.Exit(code)
}

// run dispatches a command; it never panics out, so a user sees an error
// line, not a stack trace.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it)", r)
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("no command given")
	}
	env := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	defer func() {
		for _, c := range env.closers {
			c()
		}
	}()
	switch cmd, rest := args[0], args[1:]; cmd {
	case "demo":
		return env.demo(rest)
	case "run":
		return env.run(rest)
	case "drill":
		return env.drill(rest)
	case "templates":
		return env.templates(rest)
	case "check-filter":
		return env.checkFilter(rest)
	case "generate":
		return env.generate(rest)
	case "serve":
		return env.serve(rest)
	case "import":
		return env.importData(rest)
	case "notify":
		return env.notify(rest)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError("unknown command %q", cmd)
	}
}

type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	closers        []func() error // databases opened by --data
}

func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("convreport "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs
}

// parse parses flags; a bad flag is a usage error, -h is not an error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: err}
	}
	return nil
}

// parseNoArgs is parse for a command that takes flags only. The flag
// package stops at the first argument that is not a flag, so a stray one
// (most often the second word of an unquoted value) would silently drop
// every flag after it.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return nil
	}
	return usageError("unexpected argument %q: flags after it are not read (quote a value that holds spaces)", fs.Arg(0))
}

// withoutPackage is msg without the prefix a library error opens with
// ("convreport: ", "convreport/store: "): the command puts its own name
// in front, and a person reading it has no use for the package's.
func withoutPackage(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "convreport: "); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(msg, "convreport/"); ok {
		if pkg, after, ok := strings.Cut(rest, ": "); ok && pkg != "" && strings.Trim(pkg, "abcdefghijklmnopqrstuvwxyz") == "" {
			return after
		}
	}
	return msg
}
