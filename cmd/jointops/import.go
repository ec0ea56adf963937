package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
)

var systemClock = enforcement.SystemClock{}

// importUsage is the usage of `jointops import`.
const importUsage = "usage: jointops import enterprises FILE.csv | jointops import inspectors FILE.csv"

// runImport loads an enterprise register or an inspector roster: every
// row, or none with every bad line listed.
func runImport(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) != 2 || (args[0] != "enterprises" && args[0] != "inspectors") {
		return errors.New(importUsage)
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	app := &App{Config: cfg, Logger: slog.Default(), Clock: systemClock}
	defer app.Close()
	if err := app.openDB(ctx); err != nil {
		return err
	}
	if args[0] == "inspectors" {
		return importInspectors(ctx, app, f, args[1], stdout)
	}
	known, err := postgres.FindKnownCodes(ctx, app.Pool)
	if err != nil {
		return err
	}
	enterprises, err := enforcement.ParseEnterpriseCSVKnown(f, known)
	if err != nil {
		return importFailure(stdout, args[1], err)
	}
	res, err := postgres.ImportEnterprises(ctx, app.Pool, enterprises)
	if err != nil {
		return importFailure(stdout, args[1], err)
	}
	fmt.Fprintf(stdout, "%s: %d enterprises inserted, %d updated, %d unchanged\n", args[1], res.Inserted, res.Updated, res.Unchanged)
	return nil
}

// importInspectors loads an inspector roster (执法人员名录) from f.
func importInspectors(ctx context.Context, app *App, f io.Reader, file string, stdout io.Writer) error {
	known, err := postgres.FindKnownDepartments(ctx, app.Pool)
	if err != nil {
		return err
	}
	entries, err := enforcement.ParseInspectorCSVKnown(f, known)
	if err != nil {
		return importFailure(stdout, file, err)
	}
	res, err := postgres.ImportInspectors(ctx, app.Pool, entries)
	if err != nil {
		return importFailure(stdout, file, err)
	}
	fmt.Fprintf(stdout, "%s: %d inspectors inserted, %d updated, %d unchanged\n", file, res.Inserted, res.Updated, res.Unchanged)
	return nil
}

// importFailure prints every bad line of a refused import.
func importFailure(stdout io.Writer, file string, err error) error {
	var ie *enforcement.ImportError
	if !errors.As(err, &ie) {
		return fmt.Errorf("%s: nothing imported: %s", file, enforcement.ErrorMessage(err))
	}
	for _, row := range ie.Rows {
		fmt.Fprintf(stdout, "%s: %s\n", file, row)
	}
	return fmt.Errorf("%s: nothing imported: %d bad row(s)", file, len(ie.Rows))
}
