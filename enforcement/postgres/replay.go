package postgres

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
)

// This file replays records of an outside registry, such as OSHA's, through
// rectification and escalation. Their orders have no visit, no department
// and no inspector: the system issues and closes them (audit actor
// "system"), at the instants the records give, on a clock that moves
// through the history.

// subjectEnterprise is the audit subject of an enterprise change.
// TODO: move to enforcement's SubjectKind constants.
const subjectEnterprise enforcement.SubjectKind = "enterprise"

// replayFinalWeeks is how long after the last due date a replay runs the
// clock, so that every open order climbs its whole ladder (level 3 is at
// most 5 working days after the deadline).
const replayFinalWeeks = 4

// ReplayReport sums up a replay of OSHA violations (ReplayOSHA). Instants
// are UTC; Elapsed is wall time.
type ReplayReport struct {
	// Violations is the number of valid violations replayed.
	Violations int
	// Enterprises is the number of establishments (registry "osha") the
	// orders went to; EnterprisesCreated of them were new.
	Enterprises        int
	EnterprisesCreated int
	// OrdersIssued counts orders (one hazard each); Major of them for major
	// hazards (viol_type S, W or R).
	OrdersIssued int
	Major        int
	// ClosedAtIssue (abate_complete I or Q), ClosedOnDueDate (X with no
	// failure-to-abate citation) and StillOpen (the rest, as the database
	// holds them at the end) add up to OrdersIssued.
	ClosedAtIssue   int
	ClosedOnDueDate int
	StillOpen       int
	// Escalated is the number of orders that reached level 1 (overdue);
	// Listed those on the listed-supervision register (level 3).
	Escalated int
	Listed    int
	// FiredByLevel counts the escalations fired at each level: 0 reminder,
	// 1 overdue, 2 the coordinator's board, 3 listed supervision. Each fires
	// at most once per order, so it is also the number of orders that
	// reached the level.
	FiredByLevel [4]int
	// Notifications counts the inbox items the sweeps wrote (none when the
	// database has no coordinator or leadership users: the orders have no
	// department and no inspector).
	Notifications int
	// Sweeps is the number of escalation sweeps run.
	Sweeps int
	// ClockStart and ClockEnd are the first and last instants of the
	// replay clock: the first issue, and replayFinalWeeks weeks after the
	// end of the last due date.
	ClockStart time.Time
	ClockEnd   time.Time
	Elapsed    time.Duration
	// Refused and RefusedByReason count the rows the parser refused, when
	// the caller passes them to AddRefusals.
	Refused         int
	RefusedByReason map[string]int
	// Orders maps each violation to its order, in file order.
	Orders []ReplayedOrder
}

// ReplayedOrder is the order a violation became.
type ReplayedOrder struct {
	Line       int
	Key        string // activity_nr/citation_id
	OrderID    int64
	Outcome    enforcement.OSHAOutcome
	Severity   enforcement.Severity
	IssuedAt   time.Time
	ClosedAt   *time.Time
	DueOn      enforcement.Date
	Enterprise int64
}

// AddRefusals records the rows the parser refused, for the report.
func (r *ReplayReport) AddRefusals(refusals []enforcement.ImportRowError) {
	r.Refused = len(refusals)
	r.RefusedByReason = enforcement.CountOSHARefusals(refusals)
}

// WriteTo prints the report for people, one figure a line.
func (r *ReplayReport) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "rows refused:          %d\n", r.Refused)
	for _, k := range slices.Sorted(maps.Keys(r.RefusedByReason)) {
		fmt.Fprintf(&b, "  %-21s %d\n", k+":", r.RefusedByReason[k])
	}
	fmt.Fprintf(&b, "violations replayed:   %d\n", r.Violations)
	fmt.Fprintf(&b, "enterprises:           %d (%d new)\n", r.Enterprises, r.EnterprisesCreated)
	fmt.Fprintf(&b, "orders issued:         %d (%d major)\n", r.OrdersIssued, r.Major)
	fmt.Fprintf(&b, "  closed at issue:     %d\n", r.ClosedAtIssue)
	fmt.Fprintf(&b, "  closed on due date:  %d\n", r.ClosedOnDueDate)
	fmt.Fprintf(&b, "  still open:          %d\n", r.StillOpen)
	fmt.Fprintf(&b, "escalated (level 1):   %d\n", r.Escalated)
	fmt.Fprintf(&b, "listed (level 3):      %d\n", r.Listed)
	fmt.Fprintf(&b, "fired by level:        reminder %d, 1 overdue %d, 2 board %d, 3 listed %d\n",
		r.FiredByLevel[0], r.FiredByLevel[1], r.FiredByLevel[2], r.FiredByLevel[3])
	fmt.Fprintf(&b, "notifications:         %d\n", r.Notifications)
	fmt.Fprintf(&b, "clock:                 %s → %s, %d sweeps\n",
		r.ClockStart.Format(time.RFC3339), r.ClockEnd.Format(time.RFC3339), r.Sweeps)
	fmt.Fprintf(&b, "elapsed:               %s\n", r.Elapsed.Round(time.Millisecond))
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// replayEvent is one thing that happens to an order at an instant.
type replayEvent struct {
	at    time.Time
	close bool // false: issue
	i     int  // index in the violations
}

// ReplayOSHA replays valid OSHA violations (from
// enforcement.ParseOSHAViolations) through rectification and escalation,
// on a clock that walks through their history:
//
//   - each establishment is an enterprise of registry "osha", keyed by
//     OSHAViolation.RegistryID, with no credit code, subdistrict or
//     industry, risk grade 3 (low: the records give no grade) and time zone
//     America/Los_Angeles; it is upserted with its first order;
//   - each violation is a hazard (no visit, no department, no inspector)
//     and an order for it, issued by the system at 09:00 local on
//     issuance_date, due on abate_date (due rule "date"), with the
//     escalation ladder of its severity, on a Monday-to-Friday calendar;
//   - an order closes (verified, by the system) when it was issued if
//     abate_complete is I or Q, at 17:00 local on its due date if it is X
//     with no failure-to-abate citation, and never otherwise;
//   - the escalation sweep runs at every instant a pending escalation
//     falls due, before the events of that instant, and lastly four weeks
//     after the last due date, so that every open order is overdue and
//     listed at the end.
//
// The clock is an enforcement.OffsetClock on a copy of db; db itself, and
// its Clock, are left as they are. Each issue and each close is one
// transaction with its audit events, written through a small pool of its
// own with synchronous_commit off (so ~1,000 commits do not each wait for
// the disk: about 3 s instead of 10 s for the Cal/OSHA file). The replay is meant for a fresh or a
// development database; it returns ECONFLICT, having changed nothing, when
// the database holds OSHA orders already. On an error it returns the report
// so far with the error.
func (db *DB) ReplayOSHA(ctx context.Context, violations []enforcement.OSHAViolation) (*ReplayReport, error) {
	began := time.Now()
	rep := &ReplayReport{Violations: len(violations), RefusedByReason: map[string]int{}}
	defer func() { rep.Elapsed = time.Since(began) }()
	if len(violations) == 0 {
		return rep, nil
	}
	loc, err := time.LoadLocation(enforcement.OSHATimeZone)
	if err != nil {
		return rep, fmt.Errorf("load %s: %w", enforcement.OSHATimeZone, err)
	}
	var replayed bool
	if err := db.Pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM rectification_orders o JOIN enterprises e ON e.id = o.enterprise_id WHERE e.registry = $1)`,
		enforcement.RegistryOSHA).Scan(&replayed); err != nil {
		return rep, err
	}
	if replayed {
		return rep, enforcement.Errorf(enforcement.ECONFLICT, "This database holds OSHA orders already; replay into a fresh database.").
			ZH("该数据库中已有 OSHA 整改记录，请在新数据库中回放。")
	}

	events := make([]replayEvent, 0, 2*len(violations))
	lastDue := violations[0].AbateDate
	for i := range violations {
		v := &violations[i]
		if v.IssuanceDate.IsZero() || v.AbateDate.IsZero() || strings.TrimSpace(v.EstabName) == "" {
			return rep, enforcement.Errorf(enforcement.EINVALID, "Line %d lacks an issuance date, a due date or an establishment; parse the file with ParseOSHAViolations.", v.Line).
				ZH("第 %d 行缺少下达日期、整改期限或单位，请用 ParseOSHAViolations 解析该文件。", v.Line)
		}
		if v.AbateDate.Before(v.IssuanceDate) {
			return rep, enforcement.Errorf(enforcement.EINVALID, "Line %d is due (%s) before it was issued (%s).", v.Line, v.AbateDate, v.IssuanceDate).
				ZH("第 %d 行的整改期限（%s）早于下达日期（%s）。", v.Line, v.AbateDate, v.IssuanceDate)
		}
		events = append(events, replayEvent{at: v.IssuedAt(loc), i: i})
		if at, ok := v.ClosedAt(loc); ok {
			events = append(events, replayEvent{at: at, close: true, i: i})
		}
		if v.AbateDate.After(lastDue) {
			lastDue = v.AbateDate
		}
	}
	// In time order; at one instant issues come before closes (an order
	// closed at issue), then file order.
	slices.SortStableFunc(events, func(a, b replayEvent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if a.close != b.close {
			if a.close {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.i, b.i)
	})

	// The replay writes through a pool of its own with synchronous_commit
	// off: each transaction stays atomic, but commits do not wait for the
	// disk, which would take most of the time (about a thousand commits).
	// A crash may lose the last transactions; replay into a fresh database
	// again.
	config := db.Pool.Config()
	config.MaxConns = 2
	if config.ConnConfig.RuntimeParams == nil {
		config.ConnConfig.RuntimeParams = map[string]string{}
	}
	config.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return rep, err
	}
	defer pool.Close()

	clock := enforcement.NewOffsetClock(events[0].at)
	r := *db // a copy with the replay's pool and clock
	r.Pool, r.Clock = pool, clock
	rep.ClockStart = events[0].at.UTC()
	rep.ClockEnd = enforcement.EndOfDay(lastDue.AddDays(7*replayFinalWeeks), loc).UTC()

	enterprises := map[string]int64{}
	orders := make([]int64, len(violations))
	rep.Orders = make([]ReplayedOrder, len(violations))
	for i := range violations {
		v := &violations[i]
		rep.Orders[i] = ReplayedOrder{Line: v.Line, Key: v.Key(), Outcome: v.Outcome(), Severity: v.Severity(), DueOn: v.AbateDate}
	}

	for i := 0; i < len(events); {
		at := events[i].at
		if err := r.sweepUntil(ctx, clock, at, rep); err != nil {
			return rep, err
		}
		advanceTo(clock, at)
		for ; i < len(events) && events[i].at.Equal(at); i++ {
			e := events[i]
			v := &violations[e.i]
			ro := &rep.Orders[e.i]
			if e.close {
				if err := r.closeRegistryOrder(ctx, orders[e.i], map[string]any{
					"registry": enforcement.RegistryOSHA, "line": v.Line, "activity_nr": v.ActivityNr,
					"citation_id": v.CitationID, "abate_complete": v.AbateComplete, "outcome": string(v.Outcome()),
				}); err != nil {
					return rep, fmt.Errorf("close the order of line %d: %w", v.Line, err)
				}
				closed := clock.Now().UTC()
				ro.ClosedAt = &closed
				if v.Outcome() == enforcement.OSHAClosedAtIssue {
					rep.ClosedAtIssue++
				} else {
					rep.ClosedOnDueDate++
				}
				continue
			}
			key := v.RegistryID()
			entID, known := enterprises[key]
			o, err := r.issueRegistryOrder(ctx, &registryOrder{
				enterpriseID: entID,
				enterprise: enforcement.Enterprise{
					Registry: enforcement.RegistryOSHA, RegistryID: key, Name: v.EstabName, Address: v.Address(),
					RiskGrade: enforcement.RiskLow, TimeZone: enforcement.OSHATimeZone,
				},
				severity:    v.Severity(),
				description: v.Description(),
				dueOn:       v.AbateDate,
				details: map[string]any{
					"registry": enforcement.RegistryOSHA, "line": v.Line, "activity_nr": v.ActivityNr,
					"citation_id": v.CitationID, "standard": v.Standard, "viol_type": v.ViolType,
				},
			})
			if err != nil {
				return rep, fmt.Errorf("issue the order of line %d: %w", v.Line, err)
			}
			if !known {
				enterprises[key] = o.enterpriseID
				if o.enterpriseCreated {
					rep.EnterprisesCreated++
				}
			}
			orders[e.i] = o.orderID
			ro.OrderID, ro.Enterprise, ro.IssuedAt = o.orderID, o.enterpriseID, o.issuedAt.UTC()
			rep.OrdersIssued++
			if v.Severity() == enforcement.SeverityMajor {
				rep.Major++
			}
		}
	}
	if err := r.sweepUntil(ctx, clock, rep.ClockEnd, rep); err != nil {
		return rep, err
	}
	advanceTo(clock, rep.ClockEnd)
	rep.Enterprises = len(enterprises)
	return rep, r.countReplay(ctx, orders, rep)
}

// advanceTo moves clock forward to at; a clock already past at (by the
// wall time the replay took) stays where it is.
func advanceTo(clock *enforcement.OffsetClock, at time.Time) {
	if d := at.Sub(clock.Now()); d > 0 {
		_, _ = clock.Advance(d)
	}
}

// sweepUntil runs the escalation sweep at each instant a pending
// escalation falls due, up to and including until, moving clock there
// first, so that each fires at its time and before any later event. The
// instants are read once: sweeps only fire rows, never add them.
func (db *DB) sweepUntil(ctx context.Context, clock *enforcement.OffsetClock, until time.Time, rep *ReplayReport) error {
	rows, err := db.Pool.Query(ctx, `
		SELECT DISTINCT fire_at FROM escalations WHERE status = 'pending' AND fire_at <= $1 ORDER BY fire_at`, until)
	if err != nil {
		return err
	}
	instants, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return err
	}
	for _, at := range instants {
		advanceTo(clock, at)
		res, err := db.SweepEscalations(ctx, clock.Now())
		if err != nil {
			return err
		}
		rep.Sweeps++
		rep.Notifications += res.Notifications
	}
	return nil
}

// countReplay fills the figures the database holds at the end of a replay.
func (db *DB) countReplay(ctx context.Context, orders []int64, rep *ReplayReport) error {
	if err := db.Pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status NOT IN ('verified', 'cancelled')), count(*) FILTER (WHERE listed)
		FROM rectification_orders WHERE id = ANY($1)`, orders).Scan(&rep.StillOpen, &rep.Listed); err != nil {
		return err
	}
	if err := db.Pool.QueryRow(ctx, `
		SELECT count(DISTINCT subject_id) FROM escalations
		WHERE subject_kind = 'rectification_order' AND subject_id = ANY($1) AND status = 'fired' AND level >= 1`,
		orders).Scan(&rep.Escalated); err != nil {
		return err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT level, count(*) FROM escalations
		WHERE subject_kind = 'rectification_order' AND subject_id = ANY($1) AND status = 'fired'
		GROUP BY level`, orders)
	if err != nil {
		return err
	}
	var level, n int
	_, err = pgx.ForEachRow(rows, []any{&level, &n}, func() error {
		if level >= 0 && level < len(rep.FiredByLevel) {
			rep.FiredByLevel[level] = n
		}
		return nil
	})
	return err
}

// registryOrder is an order from an outside registry: one hazard of an
// enterprise of that registry, due on a date, with no visit, department or
// inspector.
type registryOrder struct {
	// enterpriseID is the enterprise when known; otherwise enterprise is
	// upserted by (registry, registry_id).
	enterpriseID int64
	enterprise   enforcement.Enterprise
	severity     enforcement.Severity
	description  string
	dueOn        enforcement.Date
	// details go into the audit events, naming the record.
	details map[string]any
}

// issuedRegistryOrder is what issueRegistryOrder made.
type issuedRegistryOrder struct {
	orderID, hazardID, enterpriseID int64
	enterpriseCreated               bool
	issuedAt                        time.Time
}

// issueRegistryOrder records the hazard and issues its order now, by the
// system, in one transaction with the enterprise upsert (when needed), the
// escalation ladder and an audit event for each. The due date is a plain
// date in the enterprise's time zone, with no working-day arithmetic; the
// ladder's later levels count working days on the enterprise's calendar
// (enterpriseClock).
func (db *DB) issueRegistryOrder(ctx context.Context, c *registryOrder) (*issuedRegistryOrder, error) {
	if !c.severity.Valid() {
		return nil, enforcement.FieldError("severity", "Severity must be general or major; got %q.", c.severity).
			ZH("隐患等级须为一般隐患或重大隐患；实际为“%s”。", c.severity)
	}
	out := &issuedRegistryOrder{enterpriseID: c.enterpriseID}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.Clock.Now()
		if out.enterpriseID == 0 {
			id, created, err := db.upsertRegistryEnterprise(ctx, tx, &c.enterprise, now)
			if err != nil {
				return err
			}
			out.enterpriseID, out.enterpriseCreated = id, created
		}
		loc, cal, err := db.enterpriseClock(ctx, tx, out.enterpriseID)
		if err != nil {
			return err
		}
		// The registry's due date is a recorded fact, not a date an
		// inspector picks: DueRule.Resolve's cap of a year after issue
		// does not apply (OSHA abatement periods run longer), only that
		// it is not before the day of issue.
		dueOn, rule := c.dueOn, "date"
		if issuedOn := enforcement.DateOf(now.In(loc)); dueOn.Before(issuedOn) {
			return enforcement.FieldError("due_date", "The due date %s is before the day of issue %s.", dueOn, issuedOn).
				ZH("整改期限 %s 早于下达日期 %s。", dueOn, issuedOn)
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO hazards (visit_id, enterprise_id, department_code, severity, negative_list, description, recorded_by, found_at)
			VALUES (NULL, $1, NULL, $2, false, $3, NULL, $4) RETURNING id`,
			out.enterpriseID, string(c.severity), c.description, now).Scan(&out.hazardID); err != nil {
			return interpretError(err)
		}
		if err := db.insertAudit(ctx, tx, nil, "hazard.recorded", enforcement.SubjectHazard, out.hazardID,
			withDetails(c.details, map[string]any{"severity": c.severity, "negative_list": false})); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO rectification_orders (enterprise_id, visit_id, department_code, severity, issued_by, issued_at,
			                                  due_on, due_rule, due_at, time_zone, created_at, updated_at)
			VALUES ($1, NULL, NULL, $2, NULL, $3, $4, $5, $6, $7, $3, $3) RETURNING id`,
			out.enterpriseID, string(c.severity), now, dueOn.UTC(), rule, enforcement.EndOfDay(dueOn, loc), loc.String(),
		).Scan(&out.orderID); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rectification_order_hazards VALUES ($1, $2)`, out.orderID, out.hazardID); err != nil {
			return err
		}
		if err := db.insertLadder(ctx, tx, out.orderID, "", dueOn, loc, now, cal); err != nil {
			return err
		}
		out.issuedAt = now
		return db.insertAudit(ctx, tx, nil, "rectification_order.issued", enforcement.SubjectRectificationOrder, out.orderID,
			withDetails(c.details, map[string]any{"hazard_ids": []int64{out.hazardID}, "due_on": dueOn.String(), "due_rule": rule}))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// upsertRegistryEnterprise inserts an enterprise of an outside registry, or
// updates its name, address, grade and zone, keyed by (registry,
// registry_id), and writes an audit event when anything changed. It returns
// the id and whether the row is new.
func (db *DB) upsertRegistryEnterprise(ctx context.Context, tx pgx.Tx, e *enforcement.Enterprise, now time.Time) (int64, bool, error) {
	if e.Registry == "" || e.Registry == enforcement.RegistryCreditCode || e.RegistryID == "" {
		return 0, false, enforcement.Errorf(enforcement.EINVALID, "An outside registry and an identifier in it are needed; got %q %q.", e.Registry, e.RegistryID).
			ZH("需要外部登记机构及其登记编号；实际为“%s”“%s”。", e.Registry, e.RegistryID)
	}
	if !e.RiskGrade.Valid() {
		return 0, false, enforcement.FieldError("risk_grade", "must be 1 (high), 2 (medium) or 3 (low)").
			ZH("风险等级须为 1（高）、2（中）或 3（低）。")
	}
	var id int64
	var created bool
	err := tx.QueryRow(ctx, `
		INSERT INTO enterprises (registry, registry_id, credit_code, name, address, subdistrict_code, industry_code, risk_grade, time_zone, created_at)
		VALUES ($1, $2, NULL, $3, $4, NULL, NULL, $5, $6, $7)
		ON CONFLICT (registry, registry_id) DO UPDATE
		SET name = excluded.name, address = excluded.address, risk_grade = excluded.risk_grade, time_zone = excluded.time_zone
		WHERE (enterprises.name, enterprises.address, enterprises.risk_grade, enterprises.time_zone)
		      IS DISTINCT FROM (excluded.name, excluded.address, excluded.risk_grade, excluded.time_zone)
		RETURNING id, xmax = 0`,
		e.Registry, e.RegistryID, e.Name, e.Address, int(e.RiskGrade), e.TimeZone, now).Scan(&id, &created)
	if err == pgx.ErrNoRows { // unchanged: the WHERE skipped the update
		err = tx.QueryRow(ctx, `SELECT id FROM enterprises WHERE registry = $1 AND registry_id = $2`, e.Registry, e.RegistryID).Scan(&id)
		return id, false, interpretError(err)
	} else if err != nil {
		return 0, false, interpretError(err)
	}
	action := "enterprise.updated"
	if created {
		action = "enterprise.created"
	}
	return id, created, db.insertAudit(ctx, tx, nil, action, subjectEnterprise, id, map[string]any{
		"registry": e.Registry, "registry_id": e.RegistryID, "name": e.Name, "address": e.Address,
		"risk_grade": e.RiskGrade, "time_zone": e.TimeZone,
	})
}

// closeRegistryOrder closes an order of an outside registry now, by the
// system: the registry records it as abated. The order becomes verified
// (with no verifier) and its pending escalations are cancelled, in one
// transaction with the audit event. ECONFLICT when it is closed already.
func (db *DB) closeRegistryOrder(ctx context.Context, id int64, details map[string]any) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM rectification_orders WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		o, err := findOrder(ctx, tx, "", id)
		if err != nil {
			return err
		}
		if o.Status.Closed() {
			return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s already.", id, o.Status).
				ZH("整改通知 %d %s。", id, enforcement.StatusZH(string(o.Status)))
		}
		now := db.Clock.Now()
		if _, err := tx.Exec(ctx, `
			UPDATE rectification_orders SET status = 'verified', verified_at = $2, closed_at = $2, listed = false, updated_at = $2
			WHERE id = $1`, id, now); err != nil {
			return err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, id, now); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, nil, "rectification_order.verified", enforcement.SubjectRectificationOrder, id,
			withDetails(details, map[string]any{"passed": true, "by": "registry", "was_status": o.Status, "was_listed": o.Listed}))
	})
}

// withDetails returns a new map with the entries of both; b wins.
func withDetails(a, b map[string]any) map[string]any {
	m := make(map[string]any, len(a)+len(b))
	maps.Copy(m, a)
	maps.Copy(m, b)
	return m
}
