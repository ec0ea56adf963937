package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
)

// ImportResult counts what ImportEnterprises wrote.
type ImportResult struct {
	// Inserted counts enterprises whose credit code was new.
	Inserted int `json:"inserted"`
	// Updated counts known enterprises whose register data changed.
	Updated int `json:"updated"`
	// Unchanged counts known enterprises whose register data was the same.
	Unchanged int `json:"unchanged"`
}

// ImportEnterprises writes an enterprise register (企业名录), as read by
// enforcement.ParseEnterpriseCSV, all or nothing, in one transaction: a new
// credit code is inserted, a known one has its name, address, subdistrict,
// industry, risk grade and contact replaced by the register's (a re-import
// of an updated register); its inspection history is kept.
//
// enterprises[i] is line i+2 of the register file in the errors. It
// returns an *enforcement.ImportError (code EINVALID), and writes nothing,
// when any row breaks the rules of enforcement.ValidateEnterpriseRegister
// (GB 32100-2015 credit codes, no duplicates) or names a subdistrict or a
// GB/T 4754-2017 industry class that is not in the subdistricts or
// industries table; every bad row is listed. Rows are copied into a
// temporary table and written with set-based statements, not one
// statement per row.
func ImportEnterprises(ctx context.Context, pool *pgxpool.Pool, enterprises []*enforcement.Enterprise) (*ImportResult, error) {
	if err := enforcement.ValidateEnterpriseRegister(enterprises); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	if len(enterprises) == 0 {
		return res, nil
	}
	lines := make([]int, len(enterprises))
	for i := range lines {
		lines[i] = i + 2 // after the header
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("import enterprises: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	if err := importStage(ctx, tx, enterprises, lines); err != nil {
		return nil, err
	}
	if rowErrs, err := importUnknownCodes(ctx, tx); err != nil {
		return nil, err
	} else if len(rowErrs) > 0 {
		return nil, &enforcement.ImportError{Rows: rowErrs}
	}
	if err := tx.QueryRow(ctx, `
		WITH written AS (
			INSERT INTO enterprises AS e (registry, registry_id, credit_code, name, address, subdistrict_code,
				industry_code, risk_grade, contact_name, contact_phone, contact_email)
			SELECT $1, credit_code, credit_code, name, address, subdistrict_code,
				industry_code, risk_grade, contact_name, contact_phone, contact_email
			FROM import_enterprises_stage
			ORDER BY line
			ON CONFLICT (registry, registry_id) DO UPDATE SET
				credit_code = EXCLUDED.credit_code, name = EXCLUDED.name, address = EXCLUDED.address,
				subdistrict_code = EXCLUDED.subdistrict_code, industry_code = EXCLUDED.industry_code,
				risk_grade = EXCLUDED.risk_grade, contact_name = EXCLUDED.contact_name,
				contact_phone = EXCLUDED.contact_phone, contact_email = EXCLUDED.contact_email
			WHERE (e.credit_code, e.name, e.address, e.subdistrict_code, e.industry_code, e.risk_grade,
					e.contact_name, e.contact_phone, e.contact_email)
				IS DISTINCT FROM (EXCLUDED.credit_code, EXCLUDED.name, EXCLUDED.address, EXCLUDED.subdistrict_code,
					EXCLUDED.industry_code, EXCLUDED.risk_grade, EXCLUDED.contact_name, EXCLUDED.contact_phone,
					EXCLUDED.contact_email)
			-- xmax is 0 on a row this statement inserted, and set on a row it updated.
			RETURNING e.id, e.credit_code, e.name, (e.xmax = 0) AS inserted
		), audits AS (
			-- Every enterprise the import creates or changes leaves an audit event.
			INSERT INTO audit_events (at, actor_name, action, subject_kind, subject_id, details)
			SELECT now(), 'import', CASE WHEN inserted THEN 'enterprise.created' ELSE 'enterprise.updated' END,
			       'enterprise', id, jsonb_build_object('credit_code', credit_code, 'name', name, 'source', 'jointops import enterprises')
			FROM written
		)
		SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written`,
		enforcement.RegistryCreditCode).Scan(&res.Inserted, &res.Updated); err != nil {
		return nil, importInterpretError(err)
	}
	res.Unchanged = len(enterprises) - res.Inserted - res.Updated
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("import enterprises: commit: %w", err)
	}
	return res, nil
}

// importStageColumns are the columns of import_enterprises_stage, in the
// order importStage copies them.
var importStageColumns = []string{
	"line", "credit_code", "name", "address", "subdistrict_code", "industry_code", "risk_grade",
	"contact_name", "contact_phone", "contact_email", "last_inspected_on",
}

// importStage creates the temporary table import_enterprises_stage, which
// is dropped at the end of tx, and copies enterprises into it with COPY.
// lines gives each row's line in the register file; nil numbers them from
// 1. Both ImportEnterprises and LoadDemoData write enterprises from it.
func importStage(ctx context.Context, tx pgx.Tx, enterprises []*enforcement.Enterprise, lines []int) error {
	if _, err := tx.Exec(ctx, `
		CREATE TEMPORARY TABLE import_enterprises_stage (
			line              integer NOT NULL,
			credit_code       text NOT NULL,
			name              text NOT NULL,
			address           text NOT NULL,
			subdistrict_code  text NOT NULL,
			industry_code     text NOT NULL,
			risk_grade        smallint NOT NULL,
			contact_name      text NOT NULL,
			contact_phone     text NOT NULL,
			contact_email     text NOT NULL,
			last_inspected_on date
		) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage enterprises: %w", err)
	}
	i := 0
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_enterprises_stage"}, importStageColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(enterprises) {
				return nil, nil
			}
			e := enterprises[i]
			line := i + 1
			if lines != nil {
				line = lines[i]
			}
			i++
			var last any
			if e.LastInspectedOn != nil && !e.LastInspectedOn.IsZero() {
				last = e.LastInspectedOn.UTC()
			}
			return []any{line, e.CreditCode, e.Name, e.Address, e.Subdistrict, e.Industry, int16(e.RiskGrade),
				e.ContactName, e.ContactPhone, e.ContactEmail, last}, nil
		}))
	if err != nil {
		return fmt.Errorf("stage enterprises: copy: %w", err)
	}
	return nil
}

// importUnknownCodes lists the staged rows whose subdistrict or industry
// is not in its table, in line order.
func importUnknownCodes(ctx context.Context, tx pgx.Tx) ([]enforcement.ImportRowError, error) {
	rows, err := tx.Query(ctx, `
		SELECT line, 1, subdistrict_code, credit_code FROM import_enterprises_stage s
		WHERE NOT EXISTS (SELECT 1 FROM subdistricts d WHERE d.code = s.subdistrict_code)
		UNION ALL
		SELECT line, 2, industry_code, credit_code FROM import_enterprises_stage s
		WHERE NOT EXISTS (SELECT 1 FROM industries i WHERE i.code = s.industry_code)
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("import enterprises: check codes: %w", err)
	}
	defer rows.Close()
	var rowErrs []enforcement.ImportRowError
	for rows.Next() {
		var (
			line, kind        int
			value, creditCode string
		)
		if err := rows.Scan(&line, &kind, &value, &creditCode); err != nil {
			return nil, fmt.Errorf("import enterprises: check codes: %w", err)
		}
		if kind == 1 {
			rowErrs = append(rowErrs, enforcement.ImportRowError{Line: line, Field: enforcement.ColumnSubdistrictCode,
				Reason: fmt.Sprintf("unknown subdistrict (街道) %q of enterprise %s: it is not one of the district's subdistricts", value, creditCode)})
		} else {
			rowErrs = append(rowErrs, enforcement.ImportRowError{Line: line, Field: enforcement.ColumnIndustryCode,
				Reason: fmt.Sprintf("unknown industry %q of enterprise %s: it is not a GB/T 4754-2017 class that the district supervises", value, creditCode)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import enterprises: check codes: %w", err)
	}
	return rowErrs, nil
}

// importInterpretError turns a unique violation on credit_code (a code
// that an enterprise of another registry already holds) into ECONFLICT.
func importInterpretError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return enforcement.Errorf(enforcement.ECONFLICT, "A credit code of the register is held by another enterprise record (%s); nothing was imported.", pgErr.ConstraintName).
			ZH("名录中的某个统一社会信用代码已被另一条企业记录使用（%s），未导入任何数据。", pgErr.ConstraintName)
	}
	return fmt.Errorf("import enterprises: %w", err)
}

// FindKnownCodes returns the district's subdistrict and industry codes, so
// that an import can name every unknown code in one pass.
func FindKnownCodes(ctx context.Context, pool *pgxpool.Pool) (*enforcement.KnownCodes, error) {
	known := &enforcement.KnownCodes{Subdistricts: map[string]bool{}, Industries: map[string]bool{}}
	rows, err := pool.Query(ctx, `SELECT 's', code FROM subdistricts UNION ALL SELECT 'i', code FROM industries`)
	if err != nil {
		return nil, err
	}
	var kind, code string
	_, err = pgx.ForEachRow(rows, []any{&kind, &code}, func() error {
		if kind == "s" {
			known.Subdistricts[code] = true
		} else {
			known.Industries[code] = true
		}
		return nil
	})
	return known, err
}
