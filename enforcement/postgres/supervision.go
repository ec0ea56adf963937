package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.SupervisionService = (*DB)(nil)

// signOffListed records that actor a took a listed order off the register
// by closing it (how: "verified" or "cancelled"), with the audit event
// listed.signed_off (挂牌督办销号). An order that is not listed is left
// alone.
func (db *DB) signOffListed(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, o *enforcement.RectificationOrder, now time.Time, how string) error {
	if !o.Listed {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE rectification_orders SET listed_signed_off_by = $2, listed_signed_off_at = $3 WHERE id = $1`,
		o.ID, a.UserID, now); err != nil {
		return err
	}
	var since *time.Time
	if err := tx.QueryRow(ctx, `SELECT (`+listedSinceSQL+`) FROM rectification_orders o WHERE o.id = $1`, o.ID).Scan(&since); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, a, "listed.signed_off", enforcement.SubjectRectificationOrder, o.ID,
		map[string]any{"closed_as": how, "listed_since": since, "due_on": o.DueOn.String()})
}

// listedSinceSQL selects when level 3 first fired for an order: a listed
// order stays listed until it is closed, through failed verifications and
// their new ladders.
const listedSinceSQL = `SELECT min(fired_at) FROM escalations
	WHERE subject_kind = 'rectification_order' AND level = 3 AND status = 'fired' AND subject_id = o.id`

// FindListedOrders returns the listed-supervision register.
func (db *DB) FindListedOrders(ctx context.Context) ([]*enforcement.ListedOrder, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator, enforcement.RoleAuditor, enforcement.RoleLeadership,
		enforcement.RoleAdmin, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT o.id, o.enterprise_id, e.name, coalesce(o.department_code, ''), o.severity, o.status, o.due_on,
		       greatest(0, ($2::timestamptz AT TIME ZONE o.time_zone)::date - o.due_on),
		       (`+listedSinceSQL+`) AS listed_since
		FROM rectification_orders o JOIN enterprises e ON e.id = o.enterprise_id
		WHERE o.listed AND ($1 = '' OR o.department_code = $1)
		ORDER BY listed_since NULLS LAST, o.id`, deptScope(a), db.Clock.Now())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.ListedOrder, error) {
		var l enforcement.ListedOrder
		var dueOn pgDate
		err := r.Scan(&l.RectificationOrderID, &l.EnterpriseID, &l.Enterprise, &l.Department, &l.Severity, &l.Status, &dueOn,
			&l.DaysOverdue, &l.ListedSince)
		l.DueOn = dueOn.Date()
		return &l, err
	})
}

// FindOrderHistory returns an order's verifications, extensions and
// escalations (of the due dates and of the verification clock) in time
// order.
func (db *DB) FindOrderHistory(ctx context.Context, orderID int64) ([]enforcement.OrderHistoryEntry, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []enforcement.OrderHistoryEntry
	err = pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var visible bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rectification_orders WHERE id = $1 AND ($2 = '' OR department_code = $2))`,
			orderID, deptScope(a)).Scan(&visible); err != nil {
			return err
		} else if !visible {
			return notFound("rectification order", orderID)
		}
		verifications, err := findVerifications(ctx, tx, orderID)
		if err != nil {
			return err
		}
		for _, v := range verifications {
			out = append(out, enforcement.OrderHistoryEntry{At: v.VerifiedAt, Kind: enforcement.HistoryVerification, Verification: v})
		}
		extensions, err := findExtensions(ctx, tx, "", &orderID, nil)
		if err != nil {
			return err
		}
		for _, e := range extensions {
			out = append(out, enforcement.OrderHistoryEntry{At: e.CreatedAt, Kind: enforcement.HistoryExtensionRequested, Extension: e})
			if e.DecidedAt != nil {
				out = append(out, enforcement.OrderHistoryEntry{At: *e.DecidedAt, Kind: enforcement.HistoryExtensionDecided, Extension: e})
			}
		}
		escalations, err := findOrderEscalations(ctx, tx, orderID)
		if err != nil {
			return err
		}
		out = append(out, escalations...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Stable: entries at the same instant keep the order above (a
	// verification before the ladder it cancelled or wrote).
	slices.SortStableFunc(out, func(a, b enforcement.OrderHistoryEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

func findVerifications(ctx context.Context, q querier, orderID int64) ([]*enforcement.Verification, error) {
	rows, err := q.Query(ctx, `
		SELECT id, passed, note, verified_by, verified_at, new_due_on FROM verifications
		WHERE rectification_order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Verification, error) {
		var v enforcement.Verification
		var newDue pgDate
		if err := r.Scan(&v.ID, &v.Passed, &v.Note, &v.VerifiedBy, &v.VerifiedAt, &newDue); err != nil {
			return nil, err
		}
		if d := newDue.Date(); !d.IsZero() {
			v.NewDueOn = &d
		}
		return &v, nil
	})
}

// findOrderEscalations returns the escalations of an order's due dates and
// of its verification clock as history entries: fired ones at their firing,
// cancelled ones at their cancellation, pending ones at their firing time.
func findOrderEscalations(ctx context.Context, q querier, orderID int64) ([]enforcement.OrderHistoryEntry, error) {
	rows, err := q.Query(ctx, `
		SELECT id, subject_kind, subject_id, coalesce(department_code, ''), level, due_on, fire_at, recipients, status, fired_at, cancelled_at
		FROM escalations WHERE subject_kind IN ('rectification_order', 'verification') AND subject_id = $1
		ORDER BY due_on, level`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (enforcement.OrderHistoryEntry, error) {
		var e enforcement.Escalation
		var dueOn pgDate
		var roles []string
		var cancelledAt *time.Time
		if err := r.Scan(&e.ID, &e.SubjectKind, &e.SubjectID, &e.Department, &e.Level, &dueOn, &e.FireAt, &roles, &e.Status,
			&e.FiredAt, &cancelledAt); err != nil {
			return enforcement.OrderHistoryEntry{}, err
		}
		e.DueOn = dueOn.Date()
		for _, r := range roles {
			e.Recipients = append(e.Recipients, enforcement.Role(r))
		}
		h := enforcement.OrderHistoryEntry{At: e.FireAt, Kind: enforcement.HistoryEscalationPending, Escalation: &e}
		switch {
		case e.Status == enforcement.EscalationFired && e.FiredAt != nil:
			h.At, h.Kind = *e.FiredAt, enforcement.HistoryEscalationFired
		case e.Status == enforcement.EscalationCancelled:
			h.At, h.Kind = cmp.Or(deref(cancelledAt), e.FireAt), enforcement.HistoryEscalationCancelled
		}
		return h, nil
	})
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
