package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.ReferenceService = (*DB)(nil)

// FindDepartments returns every department, ordered by code.
func (db *DB) FindDepartments(ctx context.Context) ([]enforcement.Department, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, _ := db.Pool.Query(ctx, `SELECT code, name_zh, name_en FROM departments ORDER BY code`)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Department])
}

// FindSubdistricts returns every subdistrict, ordered by code.
func (db *DB) FindSubdistricts(ctx context.Context) ([]enforcement.Subdistrict, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, _ := db.Pool.Query(ctx, `SELECT code, name FROM subdistricts ORDER BY code`)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Subdistrict])
}

// FindIndustries returns every industry class, ordered by code.
func (db *DB) FindIndustries(ctx context.Context) ([]enforcement.Industry, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, _ := db.Pool.Query(ctx, `SELECT code, name FROM industries ORDER BY code`)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Industry])
}
