// Command jointops coordinates joint enforcement of work safety across a
// district's departments (联合执法).
//
//	jointops serve                     run the service (production; needs OIDC_* and PUBLIC_URL)
//	jointops dev                       run with demo data and a development identity provider
//	jointops migrate                   apply the database migrations
//	jointops import enterprises FILE   load an enterprise register (CSV), all or nothing
//	jointops import inspectors FILE    load inspector rosters (CSV), all or nothing
//	jointops replay osha FILE          replay OSHA violation records through rectification and escalation
//	jointops token USER                print a bearer token for a demo user of a running `jointops dev`
//	jointops verify-draw OPERATION_ID  re-run an operation's draw and say match or mismatch
//	jointops bench planner|escalation|all  measure the plan job and the escalation sweep
//
// Configuration comes from the environment; see Config.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // deadlines need Asia/Shanghai even on hosts without zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "jointops:", err)
		os.Exit(1)
	}
}

const usage = `usage: jointops <command> [arguments]

commands:
  serve                     run the service (needs OIDC_ISSUER, OIDC_CLIENT_ID, PUBLIC_URL)
  dev                       run with demo data and a development identity provider on :8080
  migrate                   apply the database migrations
  import enterprises FILE   load an enterprise register (CSV); all rows or none
  import inspectors FILE    load inspector rosters (CSV: department, name, certificate_no,
                            active, email, subject); all rows or none, known certificates updated
  replay osha FILE          replay OSHA violation records (CSV) through the product
  token USER                print a bearer token for a demo user of a running "jointops dev"
  verify-draw OPERATION_ID  re-run an operation's draw from its seed and snapshot; match or mismatch
  bench planner|escalation|all  measure the plan job and the escalation sweep (--json)
`

// run dispatches a subcommand.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("no command given")
	}
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch args[0] {
	case "serve":
		return runServe(ctx, cfg, logger)
	case "dev":
		return runDev(ctx, cfg, logger, stdout)
	case "migrate":
		return runMigrate(ctx, cfg, stdout)
	case "import":
		return runImport(ctx, cfg, args[1:], stdout)
	case "replay":
		return runReplay(ctx, cfg, args[1:], stdout)
	case "token":
		return runToken(ctx, cfg, args[1:], stdout)
	case "bench":
		return runBench(ctx, cfg, args[1:], stdout)
	case "verify-draw":
		return runVerifyDraw(ctx, cfg, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// runMigrate applies the migrations and exits.
func runMigrate(ctx context.Context, cfg *Config, stdout io.Writer) error {
	app := &App{Config: cfg, Logger: slog.Default(), Clock: systemClock}
	defer app.Close()
	if err := app.openDB(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied to", redact(cfg.DatabaseURL))
	return nil
}
