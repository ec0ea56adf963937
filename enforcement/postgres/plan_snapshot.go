package postgres

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// The draw snapshot keeps an operation's PlanInput so that VerifyDraw can
// re-run the draw whatever changes in the register later. It is gzip
// (fastest level) of one JSON line with everything but the candidates, then
// one tab-separated line per candidate:
//
//	enterprise_id  "key"  grade  subdistrict  industry  inspections_this_year  last,inspector,ids
//
// Lines, not JSON, because a district-sized snapshot has a million
// candidates and JSON took 3 s of a 24 s plan.

// storeSnapshot writes the snapshot of an operation's draw.
func (db *DB) storeSnapshot(ctx context.Context, tx pgx.Tx, operationID int64, in *enforcement.PlanInput, now time.Time) error {
	raw, err := encodeSnapshot(in)
	if err != nil {
		return fmt.Errorf("encode draw snapshot: %w", err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO draw_snapshots (operation_id, algorithm_version, input, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (operation_id) DO UPDATE SET algorithm_version = excluded.algorithm_version, input = excluded.input, created_at = excluded.created_at`,
		operationID, enforcement.DrawAlgorithmVersion, raw, now)
	return err
}

// loadSnapshot reads a stored draw input and the algorithm version it was
// drawn with. ECONFLICT when the operation has none (not planned).
func loadSnapshot(ctx context.Context, q querier, operationID int64) (*enforcement.PlanInput, string, error) {
	var version string
	var raw []byte
	if err := q.QueryRow(ctx, `SELECT algorithm_version, input FROM draw_snapshots WHERE operation_id = $1`, operationID).Scan(&version, &raw); err != nil {
		if err == pgx.ErrNoRows {
			return nil, "", enforcement.Errorf(enforcement.ECONFLICT, "Operation %d has no stored draw: it has not been planned.", operationID).
				ZH("联合执法行动 %d 没有保存的抽取记录：尚未编排。", operationID)
		}
		return nil, "", err
	}
	in, err := decodeSnapshot(raw)
	if err != nil {
		return nil, "", fmt.Errorf("operation %d: draw snapshot: %w", operationID, err)
	}
	return in, version, nil
}

func encodeSnapshot(in *enforcement.PlanInput) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	w := bufio.NewWriterSize(zw, 1<<16)
	head := *in
	head.Candidates = nil
	if err := json.NewEncoder(w).Encode(&head); err != nil { // ends with "\n"
		return nil, err
	}
	var line []byte
	for i := range in.Candidates {
		c := &in.Candidates[i]
		line = strconv.AppendInt(line[:0], c.EnterpriseID, 10)
		line = append(line, '\t')
		line = strconv.AppendQuote(line, c.Key)
		line = append(line, '\t')
		line = strconv.AppendInt(line, int64(c.Grade), 10)
		line = append(line, '\t')
		line = strconv.AppendQuote(line, c.Subdistrict)
		line = append(line, '\t')
		line = strconv.AppendQuote(line, c.Industry)
		line = append(line, '\t')
		line = strconv.AppendInt(line, int64(c.InspectionsThisYear), 10)
		line = append(line, '\t')
		for j, id := range c.LastInspectors {
			if j > 0 {
				line = append(line, ',')
			}
			line = strconv.AppendInt(line, id, 10)
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeSnapshot(raw []byte) (*enforcement.PlanInput, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("empty snapshot: %v", sc.Err())
	}
	var in enforcement.PlanInput
	if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
		return nil, err
	}
	for n := 2; sc.Scan(); n++ {
		c, err := decodeCandidate(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		in.Candidates = append(in.Candidates, c)
	}
	return &in, sc.Err()
}

func decodeCandidate(line string) (enforcement.Candidate, error) {
	var c enforcement.Candidate
	f := strings.Split(line, "\t")
	if len(f) != 7 {
		return c, fmt.Errorf("%d fields, want 7", len(f))
	}
	var err error
	var grade, inspections int
	if c.EnterpriseID, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return c, err
	}
	if c.Key, err = strconv.Unquote(f[1]); err != nil {
		return c, err
	}
	if grade, err = strconv.Atoi(f[2]); err != nil {
		return c, err
	}
	c.Grade = enforcement.RiskGrade(grade)
	if c.Subdistrict, err = strconv.Unquote(f[3]); err != nil {
		return c, err
	}
	if c.Industry, err = strconv.Unquote(f[4]); err != nil {
		return c, err
	}
	if inspections, err = strconv.Atoi(f[5]); err != nil {
		return c, err
	}
	c.InspectionsThisYear = inspections
	if f[6] != "" {
		for _, s := range strings.Split(f[6], ",") {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return c, err
			}
			c.LastInspectors = append(c.LastInspectors, id)
		}
	}
	return c, nil
}
