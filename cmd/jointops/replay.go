package main

import (
	"context"
	"errors"
	"io"
)

// runReplay replays OSHA violation records through rectification and
// escalation.
func runReplay(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	return errors.New("replay: not wired yet")
}
