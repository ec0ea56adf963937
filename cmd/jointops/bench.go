package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchUsage is the help of `jointops bench`.
const benchUsage = `usage: jointops bench <planner|escalation|all> [flags]

  planner     time the plan job (draw + build + persist) against a bare COPY
              of the same number of visit and task rows, for each size
  escalation  time a burst of deadlines among --tracked orders, and the
              lateness of a trickle under River's sweep and a cron poll
  all         every benchmark: planner, then escalation

Each run creates its own database (jointops_bench_<random>) on the
DATABASE_URL server, migrates it, and drops it at the end, also on error
or interrupt. Progress goes to stderr, results to stdout.

flags:
`

// benchOptions are the flags of `jointops bench`.
type benchOptions struct {
	// Sizes are the numbers of enterprises to plan over, in order.
	Sizes []int
	// JSON prints one JSON object per line and size instead of a table.
	JSON bool
	// Timeout bounds each plan job; a plan that takes longer is cancelled
	// (its transaction rolls back) and reported as timed out.
	Timeout time.Duration
	// Log receives progress lines (os.Stderr).
	Log io.Writer
	// Escalation holds the escalation benchmark's flags (bench_escalation.go).
	Escalation escalationFlags
}

// benchmarks are the benchmarks of `jointops bench all`, in order.
var benchmarks = []struct {
	name string
	run  func(ctx context.Context, cfg *Config, opts *benchOptions, stdout io.Writer) error
}{
	{"planner", runPlannerBench},
	{"escalation", runEscalationBench},
}

// benchLog receives the benchmarks' progress lines; tests replace it.
var benchLog io.Writer = os.Stderr

// runBench runs `jointops bench planner|all [flags]`.
func runBench(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		printBenchUsage(stdout)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return errors.New("usage: jointops bench <planner|escalation|all> [--sizes 10000,100000,1000000] [--json] [--timeout 3m]")
	}
	which := args[0]
	opts := &benchOptions{Log: benchLog}
	fs := newBenchFlags(opts, io.Discard)
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		printBenchUsage(stdout)
		return nil
	} else if err != nil {
		return fmt.Errorf("bench %s: %w", which, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench %s: unexpected argument %q", which, fs.Arg(0))
	}
	if opts.Timeout <= 0 {
		return fmt.Errorf("bench %s: --timeout must be positive", which)
	}
	if which == "all" {
		for _, b := range benchmarks {
			if err := b.run(ctx, cfg, opts, stdout); err != nil {
				return fmt.Errorf("bench %s: %w", b.name, err)
			}
		}
		return nil
	}
	for _, b := range benchmarks {
		if b.name == which {
			if err := b.run(ctx, cfg, opts, stdout); err != nil {
				return fmt.Errorf("bench %s: %w", b.name, err)
			}
			return nil
		}
	}
	printBenchUsage(stdout)
	return fmt.Errorf("unknown benchmark %q", which)
}

// printBenchUsage prints the help of `jointops bench` and its flags.
func printBenchUsage(w io.Writer) {
	fmt.Fprint(w, benchUsage)
	fs := newBenchFlags(&benchOptions{}, w)
	fs.PrintDefaults()
}

// newBenchFlags returns the flag set of `jointops bench`, filling opts with
// the defaults; its usage goes to out.
func newBenchFlags(opts *benchOptions, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("jointops bench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {}
	opts.Sizes = []int{10_000, 100_000, 1_000_000}
	fs.Func("sizes", "comma-separated numbers of enterprises, e.g. 10000,100000 or 10k,1m (default 10000,100000,1000000)", func(s string) error {
		sizes, err := parseBenchSizes(s)
		if err != nil {
			return err
		}
		opts.Sizes = sizes
		return nil
	})
	fs.BoolVar(&opts.JSON, "json", false, "print one JSON object per line and size instead of a table")
	fs.DurationVar(&opts.Timeout, "timeout", 3*time.Minute, "cancel a plan job that runs longer than this, and report it as timed out")
	opts.Escalation.register(fs)
	return fs
}

// parseBenchSizes parses "10000,100000,1_000_000" or "10k,100k,1m".
func parseBenchSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(f), "_", ""))
		mult := 1
		switch {
		case strings.HasSuffix(f, "k"):
			mult, f = 1_000, strings.TrimSuffix(f, "k")
		case strings.HasSuffix(f, "m"):
			mult, f = 1_000_000, strings.TrimSuffix(f, "m")
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 || n > math.MaxInt32/mult {
			return nil, fmt.Errorf("size %q is not a positive number of enterprises", f)
		}
		sizes = append(sizes, n*mult)
	}
	if len(sizes) == 0 {
		return nil, errors.New("no size given")
	}
	return sizes, nil
}

// benchDatabase is a database that a benchmark created for itself.
type benchDatabase struct {
	// Name is jointops_bench_ and 16 random hex digits.
	Name string
	// Config connects to it: the DATABASE_URL config with Database = Name.
	Config *pgx.ConnConfig
	admin  *pgx.ConnConfig
}

// createBenchDatabase creates an empty database on the server of
// serverURL (DATABASE_URL), whose own database serves as the maintenance
// database for CREATE and DROP.
func createBenchDatabase(ctx context.Context, serverURL string) (*benchDatabase, error) {
	admin, err := pgx.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	name := "jointops_bench_" + hex.EncodeToString(b)
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("cannot reach PostgreSQL at DATABASE_URL (%s): %w", redact(serverURL), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	cfg := admin.Copy()
	cfg.Database = name
	return &benchDatabase{Name: name, Config: cfg, admin: admin}, nil
}

// Drop drops the database, closing the connections still open on it. It
// uses its own context, so that it runs after an interrupt too.
func (d *benchDatabase) Drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, d.admin)
	if err != nil {
		return fmt.Errorf("drop database %s: %w", d.Name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", d.Name, err)
	}
	return nil
}

// peakRSSMB returns the peak resident set size of this process so far
// (VmHWM in /proc/self/status), in MiB. Linux cannot reset it, so a size
// measured after a larger one reports the larger one's peak.
func peakRSSMB() (float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM: %w", err)
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// benchResult is one size of the planner benchmark, one JSON line with
// --json.
type benchResult struct {
	Bench       string  `json:"bench"`
	Enterprises int     `json:"enterprises"`
	Visits      int     `json:"visits"`
	Tasks       int     `json:"tasks"`
	PlanMS      int64   `json:"plan_ms"`
	CopyMS      int64   `json:"copy_ms"`
	Ratio       float64 `json:"ratio"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	Rows        int     `json:"rows"`
	// TimedOut is set when the plan job ran into --timeout: PlanMS is then
	// the time until it was cancelled, Ratio a lower bound, and Rows 0
	// (the transaction rolled back).
	TimedOut bool `json:"timed_out,omitempty"`
}

// benchTable prints results as an aligned table, one row at a time, so
// that a long run shows each size as soon as it is done.
type benchTable struct {
	w      io.Writer
	json   bool
	header bool
}

const benchRowFormat = "%-11s %8s %8s %9s %8s %6s %11s %9s\n"

func (t *benchTable) write(r *benchResult) error {
	if t.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(t.w, "%s\n", b)
		return err
	}
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, benchRowFormat, "size", "visits", "tasks", "plan_ms", "copy_ms", "ratio", "peak_rss_mb", "rows"); err != nil {
			return err
		}
	}
	plan, ratio := strconv.FormatInt(r.PlanMS, 10), strconv.FormatFloat(r.Ratio, 'f', 2, 64)
	if r.TimedOut {
		plan, ratio = ">"+plan, ">"+ratio
	}
	_, err := fmt.Fprintf(t.w, benchRowFormat, strconv.Itoa(r.Enterprises), strconv.Itoa(r.Visits), strconv.Itoa(r.Tasks),
		plan, strconv.FormatInt(r.CopyMS, 10), ratio, strconv.FormatFloat(r.PeakRSSMB, 'f', 1, 64), strconv.Itoa(r.Rows))
	return err
}

// benchRound returns x rounded to the given number of decimals.
func benchRound(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

// logf prints a progress line to opts.Log.
func (o *benchOptions) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "bench: "+format+"\n", args...)
	}
}
