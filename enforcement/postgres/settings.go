package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// The planning settings an admin edits: the frequency rules per risk
// grade, the department × industry remit matrix and each department's
// visits per team per day. The plan job reads them from their tables.

// FindFrequencyRules returns the rules, by grade. Every signed-in actor
// reads them: coordinators tune criteria against them.
func (db *DB) FindFrequencyRules(ctx context.Context) ([]enforcement.FrequencyRule, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT risk_grade, min_per_year, max_per_year FROM frequency_rules ORDER BY risk_grade`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.FrequencyRule])
}

// SetFrequencyRule replaces the rule of r.Grade. Admins only.
func (db *DB) SetFrequencyRule(ctx context.Context, r enforcement.FrequencyRule) error {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var before enforcement.FrequencyRule
		err := tx.QueryRow(ctx, `SELECT risk_grade, min_per_year, max_per_year FROM frequency_rules WHERE risk_grade = $1 FOR UPDATE`,
			r.Grade).Scan(&before.Grade, &before.MinPerYear, &before.MaxPerYear)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if before == r {
			return nil
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO frequency_rules (risk_grade, min_per_year, max_per_year) VALUES ($1, $2, $3)
			ON CONFLICT (risk_grade) DO UPDATE SET min_per_year = excluded.min_per_year, max_per_year = excluded.max_per_year`,
			r.Grade, r.MinPerYear, r.MaxPerYear); err != nil {
			return interpretError(err)
		}
		return db.insertAudit(ctx, tx, a, "frequency_rule.updated", enforcement.SubjectFrequencyRule, int64(r.Grade), map[string]any{
			"min_per_year": r.MinPerYear, "max_per_year": r.MaxPerYear,
			"before": map[string]int{"min_per_year": before.MinPerYear, "max_per_year": before.MaxPerYear},
		})
	})
}

// SetRemit sets whether a department's remit covers an industry ("one
// visit, many checks" joins the departments that cover it). Admins only;
// a call that changes nothing writes nothing.
func (db *DB) SetRemit(ctx context.Context, dept, industry string, covered bool) error {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return err
	}
	dept, industry = strings.ToUpper(strings.TrimSpace(dept)), strings.TrimSpace(industry)
	if dept == "" {
		return enforcement.FieldError("department", "Name the department.").ZH("请选择部门。")
	} else if industry == "" {
		return enforcement.FieldError("industry", "Name the industry (a GB/T 4754-2017 class, e.g. 6210).").
			ZH("请填写行业（GB/T 4754-2017 行业小类，如 6210）。")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkCodes(ctx, tx, "departments", "department", []string{dept}); err != nil {
			return err
		}
		if err := checkCodes(ctx, tx, "industries", "industry", []string{industry}); err != nil {
			return err
		}
		sql := `INSERT INTO department_remits (department_code, industry_code) VALUES ($1, $2) ON CONFLICT DO NOTHING`
		if !covered {
			sql = `DELETE FROM department_remits WHERE department_code = $1 AND industry_code = $2`
		}
		tag, err := tx.Exec(ctx, sql, dept, industry)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return db.insertAudit(ctx, tx, a, "department.remit_set", enforcement.SubjectDepartment, 0,
			map[string]any{"department": dept, "industry": industry, "covered": covered})
	})
}

// SetVisitsPerTeamPerDay sets how many visits a team of a department makes
// in a working day; with the active roster it makes the department's daily
// capacity. Admins only.
func (db *DB) SetVisitsPerTeamPerDay(ctx context.Context, dept string, n int) error {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return err
	}
	dept = strings.ToUpper(strings.TrimSpace(dept))
	if err := enforcement.ValidateVisitsPerTeamPerDay(n); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var before int
		err := tx.QueryRow(ctx, `SELECT visits_per_team_per_day FROM departments WHERE code = $1 FOR UPDATE`, dept).Scan(&before)
		if errors.Is(err, pgx.ErrNoRows) {
			return enforcement.Errorf(enforcement.ENOTFOUND, "No department %q.", dept)
		} else if err != nil || before == n {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE departments SET visits_per_team_per_day = $2 WHERE code = $1`, dept, n); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "department.updated", enforcement.SubjectDepartment, 0,
			map[string]any{"department": dept, "visits_per_team_per_day": n, "before": before})
	})
}
