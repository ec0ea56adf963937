package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.RosterService = (*DB)(nil)

// FindInspectorRoster lists a department's roster, active and not: the
// actor's own for a departmental actor, whatever dept says; dept ("" for
// every department) for an actor who reads all.
func (db *DB) FindInspectorRoster(ctx context.Context, dept string) ([]*enforcement.Inspector, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if scope := deptScope(a); scope != "" {
		dept = scope
	}
	return findInspectors(ctx, db.Pool, dept, 0)
}

// findInspectors lists roster entries of department dept ("" for all),
// or the one entry id when id is not 0, by department and id.
func findInspectors(ctx context.Context, q querier, dept string, id int64) ([]*enforcement.Inspector, error) {
	rows, err := q.Query(ctx, `
		SELECT id, department_code, name, certificate_no, active, email, subject, user_id
		FROM inspectors
		WHERE ($1 = '' OR department_code = $1) AND ($2 = 0 OR id = $2)
		ORDER BY department_code, id`, dept, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[enforcement.Inspector])
}

// CreateInspector adds a roster entry and links it to the user it names.
func (db *DB) CreateInspector(ctx context.Context, c *enforcement.InspectorCreate) (*enforcement.Inspector, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if c.Department == "" && a.Has(enforcement.RoleDeptLead) {
		c.Department = a.Department
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := mayChangeRoster(a, c.Department); err != nil {
		return nil, err
	}
	var in *enforcement.Inspector
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkCodes(ctx, tx, "departments", "department", []string{c.Department}); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO inspectors (department_code, name, certificate_no, active, email, subject, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			c.Department, c.Name, c.CertificateNo, *c.Active, c.Email, c.Subject, db.Clock.Now()).Scan(&id)
		if err != nil {
			return certificateConflict(err, c.CertificateNo)
		}
		if err := linkInspectorUsers(ctx, tx, []int64{id}, db.Clock.Now()); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "inspector.created", enforcement.SubjectInspector, id, map[string]any{
			"department": c.Department, "name": c.Name, "certificate_no": c.CertificateNo, "active": *c.Active,
		}); err != nil {
			return err
		}
		in, err = findInspector(ctx, tx, "", id)
		return err
	})
	return in, err
}

// SetInspectorActive activates or deactivates a roster entry; an entry
// already in that state is returned unchanged, with no audit event.
func (db *DB) SetInspectorActive(ctx context.Context, id int64, active bool) (*enforcement.Inspector, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var in *enforcement.Inspector
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockInspectorForChange(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if cur.Active == active {
			in = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE inspectors SET active = $2, updated_at = $3 WHERE id = $1`, id, active, db.Clock.Now()); err != nil {
			return err
		}
		action := "inspector.deactivated"
		if active {
			action = "inspector.activated"
		}
		if err := db.insertAudit(ctx, tx, a, action, enforcement.SubjectInspector, id, map[string]any{"department": cur.Department}); err != nil {
			return err
		}
		in, err = findInspector(ctx, tx, "", id)
		return err
	})
	return in, err
}

func findInspector(ctx context.Context, q querier, scope string, id int64) (*enforcement.Inspector, error) {
	ins, err := findInspectors(ctx, q, scope, id)
	if err != nil {
		return nil, err
	} else if len(ins) == 0 {
		return nil, notFound("inspector", id)
	}
	return ins[0], nil
}

// lockInspectorForChange locks a roster entry the actor sees and checks
// that the actor may change its department's roster. Another department's
// entry is ENOTFOUND for a departmental actor (DESIGN.md §5).
func lockInspectorForChange(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, id int64) (*enforcement.Inspector, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM inspectors WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, err
	}
	in, err := findInspector(ctx, tx, deptScope(a), id)
	if err != nil {
		return nil, err
	}
	return in, mayChangeRoster(a, in.Department)
}

// mayChangeRoster returns nil when the actor may change the roster and
// recusals of department dept: an admin, or that department's lead.
func mayChangeRoster(a *enforcement.Actor, dept string) error {
	if a.Has(enforcement.RoleAdmin) || (a.Has(enforcement.RoleDeptLead) && a.Department == dept) {
		return nil
	}
	return enforcement.Errorf(enforcement.EFORBIDDEN, "Only an admin or the lead of %s may change its roster.", dept)
}

// certificateConflict turns the unique violation of a certificate number
// into ECONFLICT, and any other error as interpretError does.
func certificateConflict(err error, certificateNo string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "inspectors_certificate_no_key" {
		return &enforcement.Error{Code: enforcement.ECONFLICT,
			Message:   "certificate_no: " + certificateNo + " is on the roster already; each enforcement certificate (执法证) is one entry.",
			Fields:    map[string]string{"certificate_no": "on the roster already"},
			MessageZH: "执法证号 " + certificateNo + " 已在名册中；每个执法证只能登记一次。",
			FieldsZH:  map[string]string{"certificate_no": "该执法证号已在名册中。"}}
	}
	return interpretError(err)
}

// linkInspectorUsers sets user_id of the roster entries ids to the user
// each names: by subject when the entry has one, else by e-mail (case
// blind). An entry whose user has not signed in yet keeps its link, or
// none; UpsertUser links it at sign-in. When several users match (one
// subject at two issuers), the one seen last wins.
func linkInspectorUsers(ctx context.Context, q querier, ids []int64, now time.Time) error {
	_, err := q.Exec(ctx, `
		UPDATE inspectors i SET user_id = m.user_id, updated_at = $2
		FROM (
			SELECT i.id, CASE
				WHEN i.subject <> '' THEN
					(SELECT u.id FROM users u WHERE u.subject = i.subject ORDER BY u.updated_at DESC, u.id DESC LIMIT 1)
				WHEN i.email <> '' THEN
					(SELECT u.id FROM users u WHERE lower(u.email) = lower(i.email) ORDER BY u.updated_at DESC, u.id DESC LIMIT 1)
				END AS user_id
			FROM inspectors i WHERE i.id = ANY($1)
		) m
		WHERE i.id = m.id AND m.user_id IS NOT NULL AND i.user_id IS DISTINCT FROM m.user_id`, ids, now)
	return err
}
