package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/jointops/jointops/enforcement"
)

// runVerifyDraw re-runs an operation's draw from its stored seed, algorithm
// version and candidate snapshot, and says match or mismatch. It exits
// non-zero on a mismatch, so that a script can rely on it.
func runVerifyDraw(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: jointops verify-draw OPERATION_ID")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not an operation id", args[0])
	}
	app := &App{Config: cfg, Logger: slog.Default(), Clock: systemClock}
	defer app.Close()
	if err := app.openDB(ctx); err != nil {
		return err
	}
	// The command line acts as the auditor: it reads, and changes nothing.
	ctx = enforcement.NewContextWithActor(ctx, &enforcement.Actor{Subject: "verify-draw", Name: "verify-draw", Roles: []enforcement.Role{enforcement.RoleAuditor}})
	v, err := app.DB.VerifyDraw(ctx, id)
	if err != nil {
		return fmt.Errorf("operation %d: %s", id, enforcement.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "operation %d\nseed               %s\nalgorithm          %s\ndigest (recorded)  %s\ndigest (snapshot)  %s\n",
		v.OperationID, v.Seed, v.AlgorithmVersion, v.StoredDigest, v.SnapshotDigest)
	if v.Match {
		fmt.Fprintln(stdout, "match: the re-run draw gives the same visits, days, departments and inspectors")
		return nil
	}
	for _, m := range v.Mismatches {
		fmt.Fprintln(stdout, "  -", m)
	}
	return errors.New("mismatch: the draw does not reproduce")
}
