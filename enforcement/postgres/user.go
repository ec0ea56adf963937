package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.UserService = (*DB)(nil)

// UpsertUser records a signed-in actor and sets a.UserID. The department
// and roles come from the identity provider's claims at each sign-in.
func (db *DB) UpsertUser(ctx context.Context, a *enforcement.Actor) error {
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	err := db.Pool.QueryRow(ctx, `
		INSERT INTO users (issuer, subject, name, email, department_code, roles, updated_at)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)
		ON CONFLICT (issuer, subject) DO UPDATE
		SET name = excluded.name, email = excluded.email, department_code = excluded.department_code,
		    roles = excluded.roles, updated_at = excluded.updated_at
		WHERE (users.name, users.email, users.department_code, users.roles)
		      IS DISTINCT FROM (excluded.name, excluded.email, excluded.department_code, excluded.roles)
		RETURNING id, language`,
		a.Issuer, a.Subject, a.Name, a.Email, a.Department, roles, db.Clock.Now(),
	).Scan(&a.UserID, &a.Language)
	if errors.Is(err, pgx.ErrNoRows) { // unchanged: the WHERE skipped the update
		err = db.Pool.QueryRow(ctx, `SELECT id, language FROM users WHERE issuer = $1 AND subject = $2`,
			a.Issuer, a.Subject).Scan(&a.UserID, &a.Language)
	}
	if err != nil {
		return fmt.Errorf("record user %s: %w", a.Subject, interpretError(err))
	}
	return nil
}
