package postgres

import (
	"cmp"
	"context"
	"errors"
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

// FindOrderHistory returns an order's issue, submissions of evidence,
// verifications, extensions and escalations (of the due dates and of the
// verification clock) in time order.
func (db *DB) FindOrderHistory(ctx context.Context, orderID int64) ([]enforcement.OrderHistoryEntry, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []enforcement.OrderHistoryEntry
	err = pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var o orderRecord
		var dueOn pgDate
		err := tx.QueryRow(ctx, `
			SELECT issued_at, coalesce(issued_by, 0), due_on, due_rule, evidence, evidence_at
			FROM rectification_orders WHERE id = $1 AND ($2 = '' OR department_code = $2)`,
			orderID, deptScope(a)).Scan(&o.issuedAt, &o.issuedBy, &dueOn, &o.dueRule, &o.evidence, &o.evidenceAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("rectification order", orderID)
		} else if err != nil {
			return err
		}
		o.dueOn = dueOn.Date()
		verifications, err := findVerifications(ctx, tx, orderID)
		if err != nil {
			return err
		}
		extensions, err := findExtensions(ctx, tx, "", &orderID, nil)
		if err != nil {
			return err
		}
		o.dueMoved = slices.ContainsFunc(verifications, func(v *enforcement.Verification) bool { return v.NewDueOn != nil }) ||
			slices.ContainsFunc(extensions, func(e *enforcement.Extension) bool { return e.Status == enforcement.ExtensionApproved })
		// The issue and the submissions first: a verification, a decision
		// or the ladder at the same instant follows them.
		recorded, err := findOrderRecords(ctx, tx, orderID, &o)
		if err != nil {
			return err
		}
		out = append(out, recorded...)
		for _, v := range verifications {
			out = append(out, enforcement.OrderHistoryEntry{At: v.VerifiedAt, Kind: enforcement.HistoryVerification, Verification: v})
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

// orderRecord is what the order row says of its issue and its latest
// evidence, for findOrderRecords.
type orderRecord struct {
	issuedAt   time.Time
	issuedBy   int64
	dueOn      enforcement.Date
	dueRule    string
	evidence   string
	evidenceAt *time.Time
	// dueMoved is true once an approved extension or a failed
	// verification has moved the due date since the issue.
	dueMoved bool
}

// findOrderRecords returns the issue and each submission of evidence of an
// order as history entries, from the order's own audit events
// (rectification_order.issued, rectification_order.evidence_submitted):
// the order row keeps only the current due date and the latest evidence,
// which a failed verification clears. The caller has checked that the
// actor sees the order; these events of it are part of what they see.
//
// An order older than its audit trail gets its issue from the row, with
// the due date only when nothing has moved it since; a submission recorded
// before its event held the text gets the row's evidence when it is the
// latest (o.evidenceAt is set only between a submission and the next
// verification).
func findOrderRecords(ctx context.Context, q querier, orderID int64, o *orderRecord) ([]enforcement.OrderHistoryEntry, error) {
	rows, err := q.Query(ctx, `
		SELECT at, coalesce(actor_id, 0), actor_name, action,
		       coalesce(details->>'due_on', ''), coalesce(details->>'due_rule', ''), details->>'text'
		FROM audit_events
		WHERE subject_kind = 'rectification_order' AND subject_id = $1
		  AND action IN ('rectification_order.issued', 'rectification_order.evidence_submitted')
		ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	var issue *enforcement.OrderHistoryEntry
	var evidence []enforcement.OrderHistoryEntry
	var at time.Time
	var by int64
	var name, action, dueOn, dueRule string
	var text *string
	_, err = pgx.ForEachRow(rows, []any{&at, &by, &name, &action, &dueOn, &dueRule, &text}, func() error {
		switch action {
		case "rectification_order.issued":
			i := &enforcement.OrderIssue{IssuedBy: by, IssuedByName: name, DueRule: dueRule}
			if d, err := enforcement.ParseDate(dueOn); err == nil {
				i.DueOn = d
			}
			// At the row's time of issue, which the event's equals but for
			// events written before they shared the transaction's now.
			issue = &enforcement.OrderHistoryEntry{At: o.issuedAt, Kind: enforcement.HistoryIssued, Issue: i}
		default:
			e := &enforcement.EvidenceSubmission{SubmittedBy: by, SubmittedByName: name}
			if text != nil {
				e.Text = *text
			}
			evidence = append(evidence, enforcement.OrderHistoryEntry{At: at, Kind: enforcement.HistoryEvidenceSubmitted, Evidence: e})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if issue == nil {
		i := &enforcement.OrderIssue{IssuedBy: o.issuedBy}
		if !o.dueMoved {
			i.DueOn, i.DueRule = o.dueOn, o.dueRule
		}
		issue = &enforcement.OrderHistoryEntry{At: o.issuedAt, Kind: enforcement.HistoryIssued, Issue: i}
	}
	if o.evidenceAt != nil {
		if n := len(evidence); n == 0 {
			evidence = append(evidence, enforcement.OrderHistoryEntry{At: *o.evidenceAt, Kind: enforcement.HistoryEvidenceSubmitted,
				Evidence: &enforcement.EvidenceSubmission{Text: o.evidence}})
		} else if latest := evidence[n-1].Evidence; latest.Text == "" {
			latest.Text = o.evidence
		}
	}
	return append([]enforcement.OrderHistoryEntry{*issue}, evidence...), nil
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
