package postgres

import (
	"cmp"
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
	if err := db.linkRoster(ctx, a); err != nil {
		return fmt.Errorf("link roster entries of user %s: %w", a.Subject, err)
	}
	return nil
}

// linkRoster links the roster entries that name the actor to their user
// row: an entry with the actor's subject, or an unlinked entry with no
// subject and the actor's e-mail (case blind), and audits each link. It
// runs at each request, so it reads through the partial indexes on
// subject and lower(email) and writes only when a link changes.
func (db *DB) linkRoster(ctx context.Context, a *enforcement.Actor) error {
	_, err := db.Pool.Exec(ctx, `
		WITH linked AS (
			UPDATE inspectors SET user_id = $1, updated_at = $4
			WHERE id IN (
				SELECT id FROM inspectors WHERE subject <> '' AND subject = $2 AND user_id IS DISTINCT FROM $1
				UNION ALL
				SELECT id FROM inspectors WHERE $3 <> '' AND email <> '' AND lower(email) = lower($3) AND subject = '' AND user_id IS NULL)
			RETURNING id, department_code
		)
		INSERT INTO audit_events (at, actor_id, actor_name, department_code, action, subject_kind, subject_id, details)
		SELECT $4, $1, $5, NULLIF($6, ''), 'inspector.linked', 'inspector', id, jsonb_build_object('user_id', $1::bigint, 'department', department_code)
		FROM linked`,
		a.UserID, a.Subject, a.Email, db.Clock.Now(), cmp.Or(a.Name, a.Subject), a.Department)
	return err
}
