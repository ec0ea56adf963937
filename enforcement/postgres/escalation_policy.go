package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.EscalationPolicyService = (*DB)(nil)

// The escalation policies live in escalation_policies, one row per
// version; the newest row (highest id) of a severity is in force. An order
// names the version it was issued under (rectification_orders.
// escalation_policy_id), and every ladder of the order, also after an
// extension or a failed verification, is written from that version.

// FindEscalationPolicies returns the policy in force of each severity, or
// every version newest first.
func (db *DB) FindEscalationPolicies(ctx context.Context, history bool) ([]*enforcement.StoredEscalationPolicy, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	sql := `SELECT DISTINCT ON (severity) id, severity, steps, created_by, created_at
		FROM escalation_policies ORDER BY severity, id DESC`
	if history {
		sql = `SELECT id, severity, steps, created_by, created_at FROM escalation_policies ORDER BY id DESC`
	}
	rows, err := db.Pool.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanPolicy)
}

func scanPolicy(r pgx.CollectableRow) (*enforcement.StoredEscalationPolicy, error) {
	var p enforcement.StoredEscalationPolicy
	var steps []byte
	if err := r.Scan(&p.ID, &p.Severity, &steps, &p.CreatedBy, &p.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(steps, &p.Steps); err != nil {
		return nil, fmt.Errorf("escalation policy %d: steps: %w", p.ID, err)
	}
	return &p, nil
}

// SetEscalationPolicy stores a new version of a severity's policy. Admins
// only; a policy equal to the one in force stores nothing.
func (db *DB) SetEscalationPolicy(ctx context.Context, p *enforcement.EscalationPolicy) (*enforcement.StoredEscalationPolicy, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	steps, err := json.Marshal(p.Steps)
	if err != nil {
		return nil, err
	}
	var out *enforcement.StoredEscalationPolicy
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// One writer per severity at a time, so that "replaces" in the
		// audit names the version the admin saw.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('escalation_policies:' || $1))`, string(p.Severity)); err != nil {
			return err
		}
		current, err := policyInForce(ctx, tx, p.Severity)
		if err != nil {
			return err
		}
		if current != nil && current.EscalationPolicy.Equal(*p) {
			out = current
			return nil
		}
		rows, err := tx.Query(ctx, `
			INSERT INTO escalation_policies (severity, steps, created_by, created_at) VALUES ($1, $2, $3, $4)
			RETURNING id, severity, steps, created_by, created_at`, string(p.Severity), steps, a.UserID, db.Clock.Now())
		if err != nil {
			return err
		}
		if out, err = pgx.CollectExactlyOneRow(rows, scanPolicy); err != nil {
			return err
		}
		details := map[string]any{"severity": p.Severity, "steps": p.Steps}
		if current != nil {
			details["replaces"] = current.ID
			details["before"] = current.Steps
		}
		return db.insertAudit(ctx, tx, a, "escalation_policy.updated", enforcement.SubjectEscalationPolicy, out.ID, details)
	})
	return out, err
}

// policyInForce returns the newest policy of a severity, or nil when there
// is none (the migration seeds both severities).
func policyInForce(ctx context.Context, q querier, sev enforcement.Severity) (*enforcement.StoredEscalationPolicy, error) {
	rows, err := q.Query(ctx, `
		SELECT id, severity, steps, created_by, created_at FROM escalation_policies
		WHERE severity = $1 ORDER BY id DESC LIMIT 1`, string(sev))
	if err != nil {
		return nil, err
	}
	ps, err := pgx.CollectRows(rows, scanPolicy)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// orderPolicy returns the policy an order follows. An order that names
// none yet (it is being issued, or it was written in bulk) is given the
// policy in force for its severity now, and names it from then on.
func orderPolicy(ctx context.Context, tx pgx.Tx, orderID int64) (enforcement.EscalationPolicy, error) {
	var policyID *int64
	var sev enforcement.Severity
	if err := tx.QueryRow(ctx, `SELECT escalation_policy_id, severity FROM rectification_orders WHERE id = $1`, orderID).
		Scan(&policyID, &sev); err != nil {
		return enforcement.EscalationPolicy{}, interpretError(err)
	}
	if policyID == nil {
		p, err := policyInForce(ctx, tx, sev)
		if err != nil {
			return enforcement.EscalationPolicy{}, err
		}
		if p == nil {
			return enforcement.EscalationPolicy{}, fmt.Errorf("no escalation policy of severity %s", sev)
		}
		if _, err := tx.Exec(ctx, `UPDATE rectification_orders SET escalation_policy_id = $2 WHERE id = $1`, orderID, p.ID); err != nil {
			return enforcement.EscalationPolicy{}, err
		}
		return p.EscalationPolicy, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, severity, steps, created_by, created_at FROM escalation_policies WHERE id = $1`, *policyID)
	if err != nil {
		return enforcement.EscalationPolicy{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPolicy)
	if err != nil {
		return enforcement.EscalationPolicy{}, err
	}
	return p.EscalationPolicy, nil
}
