package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.RectificationService = (*DB)(nil)

// IssueOrder issues a rectification order for hazards the actor's
// department recorded on one visit, and writes its escalation ladder.
func (db *DB) IssueOrder(ctx context.Context, c *enforcement.OrderCreate) (*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector)
	if err != nil {
		return nil, err
	}
	slices.Sort(c.HazardIDs)
	c.HazardIDs = slices.Compact(c.HazardIDs)
	if len(c.HazardIDs) == 0 {
		return nil, enforcement.FieldError("hazard_ids", "Name the hazards the order is to fix.").
			ZH("请选择整改通知要整改的隐患。")
	}
	var order *enforcement.RectificationOrder
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var visits, enterprises []int64
		var severities []string
		var ordered bool
		var found int
		err := tx.QueryRow(ctx, `
			SELECT array_agg(DISTINCT h.visit_id), array_agg(DISTINCT h.enterprise_id), array_agg(DISTINCT h.severity),
			       coalesce(bool_or(EXISTS (SELECT 1 FROM rectification_order_hazards oh
			                       JOIN rectification_orders o ON o.id = oh.rectification_order_id
			                       WHERE oh.hazard_id = h.id AND o.status <> 'cancelled')), false),
			       count(*)
			FROM hazards h WHERE h.id = ANY($1) AND h.department_code = $2`,
			c.HazardIDs, a.Department).Scan(&visits, &enterprises, &severities, &ordered, &found)
		if err != nil {
			return err
		}
		if found != len(c.HazardIDs) {
			// Name only the hazards at fault: another department's, or none
			// at all (the two are not told apart, as for any other id).
			foreign, err := hazardsNotOf(ctx, tx, c.HazardIDs, a.Department)
			if err != nil {
				return err
			}
			return enforcement.FieldError("hazard_ids", "%s not your department's; an order covers only hazards %s recorded. Remove %s.",
				hazardList(foreign), a.Department, idList(foreign)).
				ZH("隐患 %s 不属于本部门；整改通知只能包含 %s 登记的隐患，请移除 %[1]s。",
					idListZH(foreign), a.Department)
		}
		if len(visits) != 1 || len(enterprises) != 1 {
			return enforcement.FieldError("hazard_ids", "One order covers hazards of one visit only.").
				ZH("一份整改通知只能包含同一次联合检查中的隐患。")
		}
		if ordered {
			rows, err := tx.Query(ctx, `
				SELECT DISTINCT oh.hazard_id FROM rectification_order_hazards oh
				JOIN rectification_orders o ON o.id = oh.rectification_order_id
				WHERE oh.hazard_id = ANY($1) AND o.status <> 'cancelled' ORDER BY 1`, c.HazardIDs)
			if err != nil {
				return err
			}
			taken, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			return enforcement.Errorf(enforcement.ECONFLICT, "%s already under a rectification order.", hazardList(taken)).
				ZH("隐患 %s 已在整改通知中。", idListZH(taken))
		}
		sev := enforcement.SeverityGeneral
		if slices.Contains(severities, string(enforcement.SeverityMajor)) {
			sev = enforcement.SeverityMajor
		}
		loc, cal, err := db.enterpriseClock(ctx, tx, enterprises[0])
		if err != nil {
			return err
		}
		now := db.Clock.Now()
		dueOn, rule, err := c.DueRule.Resolve(cal, enforcement.DateOf(now.In(loc)))
		if err != nil {
			return err
		}
		if err := requireWorkingDay(cal, dueOn, "due_date"); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO rectification_orders (enterprise_id, visit_id, department_code, severity, issued_by, issued_at,
			                                  due_on, due_rule, due_at, time_zone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $6, $6) RETURNING id`,
			enterprises[0], visits[0], a.Department, string(sev), a.UserID, now,
			dueOn.UTC(), rule, enforcement.EndOfDay(dueOn, loc), loc.String()).Scan(&id); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rectification_order_hazards SELECT $1, unnest($2::bigint[])`, id, c.HazardIDs); err != nil {
			return err
		}
		if err := db.insertLadder(ctx, tx, id, a.Department, dueOn, loc, now, cal); err != nil {
			return err
		}
		if err := db.insertAuditAt(ctx, tx, now, a, "rectification_order.issued", enforcement.SubjectRectificationOrder, id,
			map[string]any{"hazard_ids": c.HazardIDs, "due_on": dueOn.String(), "due_rule": rule}); err != nil {
			return err
		}
		order, err = findOrder(ctx, tx, "", id)
		return err
	})
	return order, err
}

// hazardsNotOf returns the ids among ids that are not hazards recorded by
// department dept, in order.
func hazardsNotOf(ctx context.Context, tx pgx.Tx, ids []int64, dept string) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		SELECT x FROM unnest($1::bigint[]) x
		WHERE NOT EXISTS (SELECT 1 FROM hazards h WHERE h.id = x AND h.department_code = $2)
		ORDER BY x`, ids, dept)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// hazardList names hazards as the subject of a sentence: "Hazard 12 is"
// or "Hazards 12, 14 are".
func hazardList(ids []int64) string {
	if len(ids) == 1 {
		return "Hazard " + idList(ids) + " is"
	}
	return "Hazards " + idList(ids) + " are"
}

// idListZH writes ids as "12、14", for Chinese text.
func idListZH(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, "、")
}

// idList writes ids as "12, 14".
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// requireWorkingDay refuses a due date that is not a working day: an
// enterprise cannot be held to a deadline on a public holiday. The message
// names the next working day to pick instead.
func requireWorkingDay(cal enforcement.Calendar, d enforcement.Date, field string) error {
	if cal.IsWorkingDay(d) {
		return nil
	}
	next, err := enforcement.AddWorkingDays(cal, d, 1)
	if err != nil {
		return err
	}
	return enforcement.FieldError(field, "%s is not a working day (a weekend or public holiday); the next working day is %s.", d, next).
		ZH("%s 不是工作日（周末或法定节假日），下一个工作日是 %s。", d, next)
}

// prefixField renames the fields of an EINVALID error, for input nested
// under a prefix such as "new_due.".
func prefixField(err error, prefix string) error {
	var e *enforcement.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := &enforcement.Error{Code: e.Code, Message: prefix + e.Message, Fields: map[string]string{}, MessageZH: e.MessageZH}
	for k, v := range e.Fields {
		out.Fields[prefix+k] = v
	}
	if e.FieldsZH != nil {
		out.FieldsZH = map[string]string{}
		for k, v := range e.FieldsZH {
			out.FieldsZH[prefix+k] = v
		}
	}
	return out
}

// enterpriseClock returns the time zone and calendar of an enterprise's
// deadlines: the district's, unless the enterprise lies in another zone
// (such as the OSHA replay's), which counts plain weekdays.
func (db *DB) enterpriseClock(ctx context.Context, q querier, enterpriseID int64) (*time.Location, enforcement.Calendar, error) {
	var tz string
	if err := q.QueryRow(ctx, `SELECT time_zone FROM enterprises WHERE id = $1`, enterpriseID).Scan(&tz); err != nil {
		return nil, nil, interpretError(err)
	}
	if tz == "" || tz == db.Location.String() {
		return db.Location, db.Calendar, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, nil, enforcement.Errorf(enforcement.EINVALID, "Enterprise %d has an unknown time zone %q.", enterpriseID, tz).
			ZH("企业 %d 的时区“%s”无法识别。", enterpriseID, tz)
	}
	return loc, enforcement.WeekdayCalendar{}, nil
}

// FindOrderByID returns an order with its escalations.
func (db *DB) FindOrderByID(ctx context.Context, id int64) (*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findOrder(ctx, db.Pool, deptScope(a), id)
}

// FindOrders lists the orders visible to the actor, newest first.
func (db *DB) FindOrders(ctx context.Context, f enforcement.OrderFilter) ([]*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findOrders(ctx, db.Pool, deptScope(a), f)
}

func findOrder(ctx context.Context, q querier, scope string, id int64) (*enforcement.RectificationOrder, error) {
	orders, err := findOrders(ctx, q, scope, enforcement.OrderFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(orders) == 0 {
		return nil, notFound("rectification order", id)
	}
	o := orders[0]
	if o.Escalations, err = findEscalations(ctx, q, enforcement.SubjectRectificationOrder, id); err != nil {
		return nil, err
	}
	o.Attachments, err = findAttachments(ctx, q, id)
	return o, err
}

func findOrders(ctx context.Context, q querier, scope string, f enforcement.OrderFilter) ([]*enforcement.RectificationOrder, error) {
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var status *string
	if f.Status != nil {
		s := string(*f.Status)
		status = &s
	}
	var severity *string
	if f.Severity != nil {
		s := string(*f.Severity)
		severity = &s
	}
	rows, err := q.Query(ctx, `
		SELECT o.id, o.enterprise_id, e.name, coalesce(e.subdistrict_code, ''), coalesce(e.industry_code, ''), coalesce(o.visit_id, 0), coalesce(o.department_code, ''), o.severity, o.status,
		       coalesce((SELECT array_agg(hazard_id ORDER BY hazard_id) FROM rectification_order_hazards WHERE rectification_order_id = o.id), '{}'),
		       coalesce(o.issued_by, 0), o.issued_at, o.due_on, o.due_rule, o.due_at, o.time_zone, o.evidence, o.evidence_at,
		       o.verification_due_at, o.closed_at, o.listed, o.listed_signed_off_by, o.listed_signed_off_at,
		       coalesce(o.escalation_policy_id, 0)
		FROM rectification_orders o JOIN enterprises e ON e.id = o.enterprise_id
		WHERE ($1 = '' OR o.department_code = $1)
		  AND ($2::bigint IS NULL OR o.id = $2)
		  AND ($3::text IS NULL OR o.department_code = $3)
		  AND ($4::text IS NULL OR o.status = $4)
		  AND ($5::boolean IS NULL OR o.listed = $5)
		  AND ($8::text IS NULL OR o.severity = $8)
		  AND ($9::text IS NULL OR e.subdistrict_code = $9)
		  AND ($10::text IS NULL OR e.industry_code = $10)
		ORDER BY o.id DESC LIMIT $6 OFFSET $7`,
		scope, f.ID, f.Department, status, f.Listed, limit, max(f.Offset, 0), severity, f.Subdistrict, f.Industry)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.RectificationOrder, error) {
		var o enforcement.RectificationOrder
		var dueOn pgDate
		err := r.Scan(&o.ID, &o.EnterpriseID, &o.Enterprise, &o.Subdistrict, &o.Industry, &o.VisitID, &o.Department, &o.Severity, &o.Status,
			&o.HazardIDs, &o.IssuedBy, &o.IssuedAt, &dueOn, &o.DueRule, &o.DueAt, &o.TimeZone, &o.Evidence, &o.EvidenceAt,
			&o.VerificationDueAt, &o.ClosedAt, &o.Listed, &o.ListedSignedOffBy, &o.ListedSignedOffAt, &o.EscalationPolicyID)
		o.DueOn = dueOn.Date()
		return &o, err
	})
}

// lockOrder locks an order visible to the actor and returns it.
func lockOrder(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, id int64) (*enforcement.RectificationOrder, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM rectification_orders WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, err
	}
	return findOrder(ctx, tx, deptScope(a), id)
}

// SubmitEvidence records the enterprise's evidence and starts the
// verification clock (VerificationDueDays calendar days). The ladder of
// the due date stops: the enterprise answered in time. The audit event
// rectification_order.evidence_submitted holds the text.
func (db *DB) SubmitEvidence(ctx context.Context, id int64, c *enforcement.EvidenceCreate) (*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	return db.changeOrder(ctx, a, id, func(tx pgx.Tx, o *enforcement.RectificationOrder, now time.Time) (string, map[string]any, error) {
		if err := c.Validate(); err != nil {
			return "", nil, err
		}
		text := c.Text
		if o.Status != enforcement.OrderOpen && o.Status != enforcement.OrderOverdue {
			return "", nil, enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; evidence is recorded on an open or overdue order.", id, o.Status).
				ZH("整改通知 %d 状态为“%s”；只能为整改中或已逾期的整改通知登记整改情况。", id, enforcement.StatusZH(string(o.Status)))
		}
		loc, _, err := db.enterpriseClock(ctx, tx, o.EnterpriseID)
		if err != nil {
			return "", nil, err
		}
		verifyBy := enforcement.DateOf(now.In(loc)).AddDays(enforcement.VerificationDueDays)
		verifyAt := enforcement.EndOfDay(verifyBy, loc)
		if _, err := tx.Exec(ctx, `
			UPDATE rectification_orders SET status = 'submitted', evidence = $2, evidence_at = $3,
			       verification_due_at = $4, updated_at = $3 WHERE id = $1`,
			id, text, now, verifyAt); err != nil {
			return "", nil, err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, id, now); err != nil {
			return "", nil, err
		}
		// A late verification escalates to the department lead (DESIGN.md §3).
		if _, err := tx.Exec(ctx, `
			INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
			VALUES ('verification', $1, NULLIF($2, ''), 1, $3, $4, '{dept_lead}')
			ON CONFLICT (subject_kind, subject_id, level, due_on) DO UPDATE
			SET status = 'pending', fire_at = excluded.fire_at, cancelled_at = NULL WHERE escalations.status = 'cancelled'`,
			id, o.Department, verifyBy.UTC(), verifyAt); err != nil {
			return "", nil, err
		}
		// The text goes into the audit event too: a failed verification
		// clears it from the order, and the order's history shows every
		// submission (FindOrderHistory).
		return "rectification_order.evidence_submitted", map[string]any{"verification_due_on": verifyBy.String(), "text": text}, nil
	})
}

// VerifyOrder records a verification: passed closes the order, failed
// reopens it with a new due date and a new ladder.
func (db *DB) VerifyOrder(ctx context.Context, id int64, c *enforcement.VerificationCreate) (*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector)
	if err != nil {
		return nil, err
	}
	return db.changeOrder(ctx, a, id, func(tx pgx.Tx, o *enforcement.RectificationOrder, now time.Time) (string, map[string]any, error) {
		if o.Status != enforcement.OrderSubmitted {
			return "", nil, enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; only an order with evidence submitted can be verified.", id, o.Status).
				ZH("整改通知 %d 状态为“%s”；只有已提交整改情况的整改通知才能复查。", id, enforcement.StatusZH(string(o.Status)))
		}
		if err := c.Validate(); err != nil {
			return "", nil, err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectVerification, id, now); err != nil {
			return "", nil, err
		}
		var verificationID int64
		if err := tx.QueryRow(ctx, `INSERT INTO verifications (rectification_order_id, passed, note, verified_by, verified_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			id, *c.Passed, c.Note, a.UserID, now).Scan(&verificationID); err != nil {
			return "", nil, err
		}
		if *c.Passed {
			_, err := tx.Exec(ctx, `
				UPDATE rectification_orders SET status = 'verified', verified_by = $2, verified_at = $3, closed_at = $3, listed = false, updated_at = $3
				WHERE id = $1`, id, a.UserID, now)
			if err != nil {
				return "", nil, err
			}
			if err := db.signOffListed(ctx, tx, a, o, now, "verified"); err != nil {
				return "", nil, err
			}
			return "rectification_order.verified", map[string]any{"passed": true, "note": c.Note, "was_listed": o.Listed},
				cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, id, now)
		}
		loc, cal, err := db.enterpriseClock(ctx, tx, o.EnterpriseID)
		if err != nil {
			return "", nil, err
		}
		dueOn, rule, err := c.NewDue.Resolve(cal, enforcement.DateOf(now.In(loc)))
		if err != nil {
			return "", nil, prefixField(err, "new_due.")
		}
		if err := requireWorkingDay(cal, dueOn, "new_due.due_date"); err != nil {
			return "", nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE verifications SET new_due_on = $2 WHERE id = $1`, verificationID, dueOn.UTC()); err != nil {
			return "", nil, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE rectification_orders SET status = 'open', due_on = $2, due_rule = $3, due_at = $4,
			       evidence = '', evidence_at = NULL, verification_due_at = NULL, updated_at = $5
			WHERE id = $1`, id, dueOn.UTC(), rule, enforcement.EndOfDay(dueOn, loc), now); err != nil {
			return "", nil, err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, id, now); err != nil {
			return "", nil, err
		}
		return "rectification_order.verification_failed", map[string]any{"passed": false, "note": c.Note, "new_due_on": dueOn.String(), "due_rule": rule},
			db.insertLadder(ctx, tx, id, o.Department, dueOn, loc, now, cal)
	})
}

// CancelOrder cancels an order that is not closed, and its pending ladder.
func (db *DB) CancelOrder(ctx context.Context, id int64, reason string) (*enforcement.RectificationOrder, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	return db.changeOrder(ctx, a, id, func(tx pgx.Tx, o *enforcement.RectificationOrder, now time.Time) (string, map[string]any, error) {
		reason, err := enforcement.ValidateOrderCancelReason(reason)
		if err != nil {
			return "", nil, err
		}
		if o.Status.Closed() {
			return "", nil, enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s already.", id, o.Status).
				ZH("整改通知 %d %s。", id, enforcement.StatusZH(string(o.Status)))
		}
		if _, err := tx.Exec(ctx, `UPDATE rectification_orders SET status = 'cancelled', closed_at = $2, listed = false, updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return "", nil, err
		}
		if err := db.signOffListed(ctx, tx, a, o, now, "cancelled"); err != nil {
			return "", nil, err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectVerification, id, now); err != nil {
			return "", nil, err
		}
		return "rectification_order.cancelled", map[string]any{"reason": reason}, cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, id, now)
	})
}

// changeOrder locks an order the actor's department owns, applies change,
// writes the audit event it names at the time of the change, and returns
// the order as it is now.
func (db *DB) changeOrder(ctx context.Context, a *enforcement.Actor, id int64,
	change func(tx pgx.Tx, o *enforcement.RectificationOrder, now time.Time) (string, map[string]any, error)) (*enforcement.RectificationOrder, error) {
	var order *enforcement.RectificationOrder
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if a.Department != o.Department {
			return enforcement.Errorf(enforcement.EFORBIDDEN, "Only %s may change this order.", o.Department)
		}
		now := db.Clock.Now()
		action, details, err := change(tx, o, now)
		if err != nil {
			return err
		}
		if err := db.insertAuditAt(ctx, tx, now, a, action, enforcement.SubjectRectificationOrder, id, details); err != nil {
			return err
		}
		order, err = findOrder(ctx, tx, "", id)
		return err
	})
	return order, err
}
