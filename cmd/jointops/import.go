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

// runImport loads an enterprise register: every row, or none with every bad
// line listed.
func runImport(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "enterprises" {
		return errors.New("usage: jointops import enterprises FILE.csv")
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
