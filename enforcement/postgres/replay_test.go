package postgres_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations/dbtest"
)

// oshaFile is a copy of ../shared/data/osha_ca_carceral_inspection_violation.csv.
const oshaFile = "testdata/osha_ca_carceral_inspection_violation.csv"

// oshaExpectation reads oshaFile on its own, without the parser, and
// applies the replay's rules as plainly as they are stated: a row is a
// valid violation when it has a citation_id, is not deleted (delete_flag
// X), has both dates and is not due before it was issued; a valid order
// closes when abate_complete is I or Q (at issue) or X with no
// failure-to-abate issuance date (on its due date), and stays open, so it
// must reach level 1, otherwise. Keys are "activity_nr/citation_id".
type oshaExpectation struct {
	valid, closedAtIssue, closedOnDue, open map[string]bool
}

func readOSHAExpectation(t *testing.T) *oshaExpectation {
	t.Helper()
	f, err := os.Open(oshaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	missing := func(s string) bool { return s == "" || s == "NA" }
	x := &oshaExpectation{valid: map[string]bool{}, closedAtIssue: map[string]bool{}, closedOnDue: map[string]bool{}, open: map[string]bool{}}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		get := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		issued, due := get("issuance_date"), get("abate_date")
		if missing(get("citation_id")) || get("delete_flag") == "X" || missing(issued) || missing(due) || due < issued {
			continue
		}
		key := get("activity_nr") + "/" + get("citation_id")
		if x.valid[key] {
			t.Fatalf("%s twice in the file", key)
		}
		x.valid[key] = true
		switch complete := get("abate_complete"); {
		case complete == "I" || complete == "Q":
			x.closedAtIssue[key] = true
		case complete == "X" && missing(get("fta_issuance_date")):
			x.closedOnDue[key] = true
		default:
			x.open[key] = true
		}
	}
	return x
}

// keysWhere returns the keys of the orders the query selects; it selects
// order ids, which are mapped to violations by their issue audit events.
func keysWhere(t *testing.T, pool *pgxpool.Pool, orderIDsSQL string, args ...any) map[string]bool {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT (a.details->>'activity_nr') || '/' || (a.details->>'citation_id')
		FROM audit_events a
		WHERE a.action = 'rectification_order.issued' AND a.subject_kind = 'rectification_order'
		  AND a.subject_id IN (`+orderIDsSQL+`)`, args...)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, k := range keys {
		if set[k] {
			t.Fatalf("%s has two issue events", k)
		}
		set[k] = true
	}
	return set
}

func assertSameKeys(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	var extra, lost []string
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	for k := range want {
		if !got[k] {
			lost = append(lost, k)
		}
	}
	if len(extra)+len(lost) > 0 {
		slices.Sort(extra)
		slices.Sort(lost)
		t.Errorf("%s: %d orders, want %d; not expected %v; missing %v", what, len(got), len(want), extra, lost)
	}
}

func TestReplayOSHA(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	db, err := postgres.New(pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	// A coordinator, to receive the board and listed-supervision notices.
	coord := &enforcement.Actor{Issuer: "test", Subject: "coord", Name: "coord", Roles: []enforcement.Role{enforcement.RoleCoordinator}}
	if err := db.UpsertUser(ctx, coord); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(oshaFile)
	if err != nil {
		t.Fatal(err)
	}
	violations, refusals, err := enforcement.ParseOSHAViolations(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	rep, err := db.ReplayOSHA(ctx, violations)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	rep.AddRefusals(refusals)
	var out strings.Builder
	rep.WriteTo(&out)
	t.Logf("replay of %d violations in %s:\n%s", len(violations), took, out.String())
	if took > 30*time.Second {
		t.Errorf("the replay took %s; it should take seconds", took)
	}
	if db.Clock != (enforcement.SystemClock{}) {
		t.Errorf("the replay changed the store's clock to %T", db.Clock)
	}

	// Refused rows per reason: the independent count of
	// enforcement.TestParseOSHAViolationsRealFile.
	wantRefused := map[string]int{
		enforcement.OSHARefusedNoViolation:    296,
		enforcement.OSHARefusedMissingAbate:   100,
		enforcement.OSHARefusedDeleted:        64,
		enforcement.OSHARefusedDueBeforeIssue: 5,
	}
	if !maps.Equal(rep.RefusedByReason, wantRefused) || rep.Refused != 465 {
		t.Errorf("refused %d by reason %v, want 465 by %v", rep.Refused, rep.RefusedByReason, wantRefused)
	}

	x := readOSHAExpectation(t)
	if len(x.valid) != 628 || len(x.valid) != len(violations) {
		t.Fatalf("%d valid rows by the plain reading, %d by the parser; want 628", len(x.valid), len(violations))
	}

	// Every valid row became exactly one order, with one hazard.
	all := keysWhere(t, pool, `SELECT id FROM rectification_orders`)
	assertSameKeys(t, "orders", all, x.valid)
	if n := count(t, pool, `SELECT count(*) FROM rectification_orders o WHERE (SELECT count(*) FROM rectification_order_hazards h WHERE h.rectification_order_id = o.id) <> 1`); n != 0 {
		t.Errorf("%d orders without exactly one hazard", n)
	}

	// The exact set of orders that reached level 1 is the set of orders
	// that stay open.
	overdue := keysWhere(t, pool, `SELECT subject_id FROM escalations WHERE subject_kind = 'rectification_order' AND level = 1 AND status = 'fired'`)
	assertSameKeys(t, "level 1", overdue, x.open)
	assertSameKeys(t, "still open", keysWhere(t, pool, `SELECT id FROM rectification_orders WHERE status NOT IN ('verified', 'cancelled')`), x.open)
	assertSameKeys(t, "closed at issue", keysWhere(t, pool, `
		SELECT id FROM rectification_orders
		WHERE status = 'verified' AND closed_at >= issued_at AND closed_at < issued_at + interval '1 minute'`), x.closedAtIssue)
	assertSameKeys(t, "closed on the due date", keysWhere(t, pool, `
		SELECT id FROM rectification_orders
		WHERE status = 'verified' AND closed_at > issued_at + interval '1 hour' AND (closed_at AT TIME ZONE time_zone)::date = due_on AND closed_at < due_at`), x.closedOnDue)

	// No order closed on time escalated: no closed order has a fired level ≥ 1.
	if n := count(t, pool, `
		SELECT count(*) FROM escalations e JOIN rectification_orders o ON o.id = e.subject_id
		WHERE e.subject_kind = 'rectification_order' AND o.status = 'verified' AND e.status = 'fired' AND e.level >= 1`); n != 0 {
		t.Errorf("%d escalations fired on orders closed on time", n)
	}
	// No escalation fired twice: one row per order, level and due date,
	// each open order fired levels 1, 2 and 3 once on its one due date,
	// and every firing happened at or just after its time.
	if n := count(t, pool, `
		SELECT count(*) FROM (SELECT 1 FROM escalations WHERE status = 'fired'
		GROUP BY subject_kind, subject_id, level, due_on HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d escalations fired twice", n)
	}
	if n := count(t, pool, `
		SELECT count(*) FROM rectification_orders o
		WHERE o.status = 'overdue' AND o.listed AND
		      (SELECT array_agg(level ORDER BY level) FROM escalations e
		       WHERE e.subject_kind = 'rectification_order' AND e.subject_id = o.id AND e.level >= 1 AND e.status = 'fired' AND e.due_on = o.due_on)
		      = '{1,2,3}'`); n != len(x.open) {
		t.Errorf("%d open orders overdue and listed with levels 1-3 fired once each, want %d", n, len(x.open))
	}
	if n := count(t, pool, `SELECT count(*) FROM escalations WHERE status = 'fired' AND (fired_at < fire_at OR fired_at > fire_at + interval '1 minute')`); n != 0 {
		t.Errorf("%d escalations fired before their time or more than a minute late", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM escalations WHERE status = 'pending'`); n != 0 {
		t.Errorf("%d escalations still pending at the end", n)
	}

	// The report agrees with the database.
	if rep.Violations != 628 || rep.OrdersIssued != 628 || rep.ClosedAtIssue != len(x.closedAtIssue) ||
		rep.ClosedOnDueDate != len(x.closedOnDue) || rep.StillOpen != len(x.open) || rep.Escalated != len(x.open) ||
		rep.Listed != len(x.open) || rep.FiredByLevel[1] != len(x.open) || rep.FiredByLevel[3] != len(x.open) {
		t.Errorf("report = %+v\nwant 628 issued, %d/%d/%d closed at issue/on due date/open", rep, len(x.closedAtIssue), len(x.closedOnDue), len(x.open))
	}
	if got := count(t, pool, `SELECT count(*) FROM escalations WHERE status = 'fired' AND level = 0`); got != rep.FiredByLevel[0] {
		t.Errorf("%d reminders fired, report says %d", got, rep.FiredByLevel[0])
	}

	// Enterprises: one per establishment, of the osha registry, in California's zone.
	if n := count(t, pool, `
		SELECT count(*) FROM enterprises
		WHERE registry = 'osha' AND credit_code IS NULL AND subdistrict_code IS NULL AND industry_code IS NULL
		  AND risk_grade = 3 AND time_zone = 'America/Los_Angeles'`); n != rep.Enterprises || n != rep.EnterprisesCreated || n != 207 {
		t.Errorf("%d osha enterprises, report %d (%d new), want 207", n, rep.Enterprises, rep.EnterprisesCreated)
	}
	// Hazards and orders have no visit, department or inspector; each state
	// change has its audit event by the system.
	if n := count(t, pool, `SELECT count(*) FROM rectification_orders WHERE visit_id IS NOT NULL OR department_code IS NOT NULL OR issued_by IS NOT NULL OR due_rule <> 'date'`); n != 0 {
		t.Errorf("%d orders with a visit, department, inspector or a rule other than 'date'", n)
	}
	for action, want := range map[string]int{
		"enterprise.created": 207, "hazard.recorded": 628, "rectification_order.issued": 628,
		"rectification_order.verified": len(x.closedAtIssue) + len(x.closedOnDue),
	} {
		if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND actor_id IS NULL AND actor_name = 'system'`, action); n != want {
			t.Errorf("%d %s audit events by the system, want %d", n, action, want)
		}
	}
	// The coordinator heard of every order at levels 2 and 3.
	if n := count(t, pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND level IN (2, 3)`, coord.UserID); n != 2*len(x.open) {
		t.Errorf("coordinator has %d level 2/3 notifications, want %d", n, 2*len(x.open))
	}

	// A second replay into the same database is refused.
	if _, err := db.ReplayOSHA(ctx, violations); enforcement.ErrorCode(err) != enforcement.ECONFLICT {
		t.Errorf("second replay: %v, want %s", err, enforcement.ECONFLICT)
	}
}

// TestReplayOSHASmall replays the hand-made file of the parser's test and
// checks the instants of each event.
func TestReplayOSHASmall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := postgres.New(dbtest.Pool(t), enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../testdata/osha_refusals.csv")
	if err != nil {
		t.Fatal(err)
	}
	violations, _, err := enforcement.ParseOSHAViolations(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.ReplayOSHA(ctx, violations)
	if err != nil {
		t.Fatal(err)
	}
	la, _ := time.LoadLocation(enforcement.OSHATimeZone)
	byLine := map[int]postgres.ReplayedOrder{}
	for _, o := range rep.Orders {
		byLine[o.Line] = o
	}
	if len(byLine) != 4 || rep.Enterprises != 3 || rep.ClosedAtIssue != 1 || rep.ClosedOnDueDate != 1 || rep.StillOpen != 2 || rep.Escalated != 2 {
		t.Fatalf("report = %+v", rep)
	}
	near := func(got time.Time, want time.Time) bool { return !got.Before(want) && got.Sub(want) < time.Minute }
	// Line 2: issued 2012-03-01 09:00 PST, closed 2012-03-20 17:00 PDT.
	o := byLine[2]
	if !near(o.IssuedAt, time.Date(2012, 3, 1, 9, 0, 0, 0, la)) || o.ClosedAt == nil || !near(*o.ClosedAt, time.Date(2012, 3, 20, 17, 0, 0, 0, la)) {
		t.Errorf("line 2 = %+v", o)
	}
	// Line 17: due the day it was issued, corrected during the inspection.
	if o := byLine[17]; o.ClosedAt == nil || !near(*o.ClosedAt, o.IssuedAt) || o.Severity != enforcement.SeverityMajor {
		t.Errorf("line 17 = %+v", o)
	}
	// Line 18 (repeat, major): due Tue 2014-07-01, so level 1 fires at the
	// end of that day, level 2 one working day later, level 3 three.
	esc := map[int]time.Time{}
	rows, err := db.Pool.Query(ctx, `SELECT level, fire_at FROM escalations WHERE subject_id = $1 AND status = 'fired'`, byLine[18].OrderID)
	if err != nil {
		t.Fatal(err)
	}
	var level int
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&level, &at}, func() error { esc[level] = at; return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[int]time.Time{
		0: time.Date(2014, 6, 26, 9, 0, 0, 0, la), // 3 working days before
		1: time.Date(2014, 7, 2, 0, 0, 0, 0, la),
		2: time.Date(2014, 7, 3, 0, 0, 0, 0, la),
		3: time.Date(2014, 7, 5, 0, 0, 0, 0, la), // the end of Friday 4 July (the weekday calendar knows no US holidays)
	}
	for l, w := range want {
		if !esc[l].Equal(w) {
			t.Errorf("line 18 level %d fired for %v, want %v", l, esc[l], w)
		}
	}
}
