package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/jointops/jointops/enforcement"
)

// runReplay replays OSHA violation records through rectification and
// escalation: each violation becomes a hazard with a rectification order,
// the clock walks through the history, and the report says which orders
// escalated. Refused rows are listed with their line numbers; the replay
// goes on with the good rows.
func runReplay(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "osha" {
		return errors.New("usage: jointops replay osha FILE.csv")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	violations, refusals, err := enforcement.ParseOSHAViolations(f)
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	for _, r := range refusals {
		fmt.Fprintf(stdout, "%s: refused: %s\n", args[1], r)
	}
	app := &App{Config: cfg, Logger: slog.Default(), Clock: systemClock}
	defer app.Close()
	if err := app.openDB(ctx); err != nil {
		return err
	}
	rep, err := app.DB.ReplayOSHA(ctx, violations)
	if err != nil {
		return err
	}
	rep.AddRefusals(refusals)
	_, err = rep.WriteTo(stdout)
	return err
}
