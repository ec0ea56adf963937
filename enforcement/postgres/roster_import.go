package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
)

// RosterImportResult counts what ImportInspectors wrote.
type RosterImportResult struct {
	// Inserted counts entries whose certificate number was new.
	Inserted int `json:"inserted"`
	// Updated counts known certificate numbers whose entry changed.
	Updated int `json:"updated"`
	// Unchanged counts known certificate numbers whose entry was the same.
	Unchanged int `json:"unchanged"`
}

// ImportInspectors writes an inspector roster (执法人员名录), as read by
// enforcement.ParseInspectorCSV, all or nothing, in one transaction: a new
// certificate number is a new entry; a known one has its department, name,
// active flag, e-mail and subject replaced by the file's (a re-import of an
// updated roster); its recusals and task history are kept. Each entry
// written is linked to the user it names (see linkInspectorUsers) and
// leaves an audit event.
//
// entries[i] is line i+2 of the roster file in the errors. It returns an
// *enforcement.ImportError (code EINVALID), and writes nothing, when any
// row breaks the rules of enforcement.ValidateInspectorRoster or names a
// department code that is not in the departments table; every bad row is
// listed. Rows are copied into a temporary table and written with
// set-based statements.
func ImportInspectors(ctx context.Context, pool *pgxpool.Pool, entries []*enforcement.InspectorCreate) (*RosterImportResult, error) {
	if err := enforcement.ValidateInspectorRoster(entries); err != nil {
		return nil, err
	}
	res := &RosterImportResult{}
	if len(entries) == 0 {
		return res, nil
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := rosterStage(ctx, tx, entries); err != nil {
			return err
		}
		if rowErrs, err := rosterUnknownDepartments(ctx, tx); err != nil {
			return err
		} else if len(rowErrs) > 0 {
			return &enforcement.ImportError{File: "inspector roster", Rows: rowErrs}
		}
		var ids []int64
		if err := tx.QueryRow(ctx, `
			WITH written AS (
				INSERT INTO inspectors AS i (department_code, name, certificate_no, active, email, subject)
				SELECT department_code, name, certificate_no, active, email, subject
				FROM import_inspectors_stage
				ORDER BY line
				ON CONFLICT (certificate_no) DO UPDATE SET
					department_code = EXCLUDED.department_code, name = EXCLUDED.name, active = EXCLUDED.active,
					email = EXCLUDED.email, subject = EXCLUDED.subject, updated_at = now()
				WHERE (i.department_code, i.name, i.active, i.email, i.subject)
					IS DISTINCT FROM (EXCLUDED.department_code, EXCLUDED.name, EXCLUDED.active, EXCLUDED.email, EXCLUDED.subject)
				-- xmax is 0 on a row this statement inserted, and set on a row it updated.
				RETURNING i.id, i.department_code, i.certificate_no, i.name, i.active, (i.xmax = 0) AS inserted
			), audits AS (
				INSERT INTO audit_events (at, actor_name, action, subject_kind, subject_id, details)
				SELECT now(), 'import', CASE WHEN inserted THEN 'inspector.created' ELSE 'inspector.updated' END,
				       'inspector', id, jsonb_build_object('department', department_code, 'certificate_no', certificate_no,
				       'name', name, 'active', active, 'source', 'jointops import inspectors')
				FROM written
			)
			SELECT coalesce(array_agg(id), '{}'), count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
			FROM written`).Scan(&ids, &res.Inserted, &res.Updated); err != nil {
			return fmt.Errorf("import inspectors: %w", err)
		}
		if err := linkInspectorUsers(ctx, tx, ids, time.Now()); err != nil {
			return fmt.Errorf("import inspectors: link users: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Unchanged = len(entries) - res.Inserted - res.Updated
	return res, nil
}

// rosterStage creates the temporary table import_inspectors_stage, dropped
// at the end of tx, and copies the entries into it with COPY, entries[i]
// as line i+2.
func rosterStage(ctx context.Context, tx pgx.Tx, entries []*enforcement.InspectorCreate) error {
	if _, err := tx.Exec(ctx, `
		CREATE TEMPORARY TABLE import_inspectors_stage (
			line            integer NOT NULL,
			department_code text NOT NULL,
			name            text NOT NULL,
			certificate_no  text NOT NULL,
			active          boolean NOT NULL,
			email           text NOT NULL,
			subject         text NOT NULL
		) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage inspectors: %w", err)
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_inspectors_stage"},
		[]string{"line", "department_code", "name", "certificate_no", "active", "email", "subject"},
		pgx.CopyFromSlice(len(entries), func(i int) ([]any, error) {
			c := entries[i]
			return []any{i + 2, c.Department, c.Name, c.CertificateNo, *c.Active, c.Email, c.Subject}, nil
		}))
	if err != nil {
		return fmt.Errorf("stage inspectors: copy: %w", err)
	}
	return nil
}

// rosterUnknownDepartments lists the staged rows whose department is not in
// the departments table, in line order.
func rosterUnknownDepartments(ctx context.Context, tx pgx.Tx) ([]enforcement.ImportRowError, error) {
	rows, err := tx.Query(ctx, `
		SELECT line, department_code FROM import_inspectors_stage s
		WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.code = s.department_code)
		ORDER BY line`)
	if err != nil {
		return nil, fmt.Errorf("import inspectors: check departments: %w", err)
	}
	var rowErrs []enforcement.ImportRowError
	var line int
	var dept string
	_, err = pgx.ForEachRow(rows, []any{&line, &dept}, func() error {
		rowErrs = append(rowErrs, enforcement.UnknownDepartmentRow(line, dept))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import inspectors: check departments: %w", err)
	}
	return rowErrs, nil
}

// FindKnownDepartments returns the district's department codes, so that a
// roster import can name every unknown code in one pass.
func FindKnownDepartments(ctx context.Context, pool *pgxpool.Pool) (map[string]bool, error) {
	rows, err := pool.Query(ctx, `SELECT code FROM departments`)
	if err != nil {
		return nil, err
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(codes))
	for _, c := range codes {
		known[c] = true
	}
	return known, nil
}
