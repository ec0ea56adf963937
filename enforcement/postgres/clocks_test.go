package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
)

// Tests of issue 4's second part: extensions, stored escalation policies,
// the live working-day calendar, the listed register and an order's
// history. The clock starts on Monday 2026-03-02 10:00 in Shanghai, with
// plain weekdays (setup).

// ladder returns "level:status" of each escalation of an order's due date.
func (b *testBundle) ladder(t *testing.T, orderID int64, dueOn string) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `
		SELECT level || ':' || status FROM escalations
		WHERE subject_kind = 'rectification_order' AND subject_id = $1 AND due_on = $2 ORDER BY level`, orderID, dueOn)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func wantLadder(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("ladder %v, want %v", got, want)
	}
}

func shanghai(b *testBundle, date string, hour int) time.Time {
	d := enforcement.MustParseDate(date)
	return d.In(b.db.Location).Add(time.Duration(hour) * time.Hour)
}

func TestExtensionIsAskedBeforeTheDueDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	o := b.issueOrder(t, visitID, 5) // due Mon 9 March
	ask := func(who, date, reason string) (*enforcement.Extension, error) {
		return b.db.RequestExtension(b.as(who), o.ID, &enforcement.ExtensionCreate{Reason: reason, ProposedDueDate: enforcement.MustParseDate(date)})
	}

	_, err := ask("msa-i1", "2026-03-16", "x")
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = ask("emb-lead", "2026-03-16", "x")
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = ask("emb-i1", "2026-03-16", " ")
	wantCode(t, err, enforcement.EINVALID)
	_, err = ask("emb-i1", "2026-03-09", "设备到货延迟")
	wantCode(t, err, enforcement.EINVALID) // not after the due date
	_, err = ask("emb-i1", "2026-03-14", "设备到货延迟")
	wantCode(t, err, enforcement.EINVALID) // a Saturday
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "2026-03-16") {
		t.Fatalf("the message does not name the next working day: %s", msg)
	}

	ext, err := ask("emb-i1", "2026-03-16", "设备到货延迟 / equipment delivery delayed")
	if err != nil {
		t.Fatal(err)
	}
	if ext.Status != enforcement.ExtensionPending || ext.PreviousDueOn.String() != "2026-03-09" || ext.ProposedDueOn.String() != "2026-03-16" {
		t.Fatalf("extension = %+v", ext)
	}
	_, err = ask("emb-i2", "2026-03-17", "again")
	wantCode(t, err, enforcement.ECONFLICT) // one open request at a time
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'extension_requested' AND subject_id = $2`,
		b.people["emb-lead"].UserID, o.ID); n != 1 {
		t.Fatalf("the lead has %d notifications of the request", n)
	}

	// After the deadline (end of 9 March), no request is taken.
	late := b.issueOrder(t, visitID, 1) // due Tue 3 March
	b.clock.Advance(2 * 24 * time.Hour) // Wed 4 March
	_, err = b.db.RequestExtension(b.as("emb-i1"), late.ID, &enforcement.ExtensionCreate{Reason: "太晚了", ProposedDueDate: enforcement.MustParseDate("2026-03-10")})
	wantCode(t, err, enforcement.ECONFLICT)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "2026-03-03 has passed; an extension must be asked before it") {
		t.Fatalf("message = %q", msg)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'extension.requested' AND subject_id = $1`, o.ID); n != 1 {
		t.Fatalf("%d audit events of the request", n)
	}
}

func TestApprovedExtensionStartsANewLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 5) // due Mon 9 March; reminder Wed 4 March 09:00
	b.sweepAt(t, shanghai(b, "2026-03-04", 9))
	wantLadder(t, b.ladder(t, o.ID, "2026-03-09"), "0:fired", "1:pending", "2:pending", "3:pending")

	ext, err := b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{Reason: "设备到货延迟", ProposedDueDate: enforcement.MustParseDate("2026-03-16")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.ApproveExtension(b.as("msa-lead"), ext.ID, &enforcement.ExtensionDecision{})
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.ApproveExtension(b.as("emb-i1"), ext.ID, &enforcement.ExtensionDecision{})
	wantCode(t, err, enforcement.EFORBIDDEN)
	b.clock.Advance(24 * time.Hour) // Tue 3 March
	ext, err = b.db.ApproveExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: "同意"})
	if err != nil {
		t.Fatal(err)
	}
	if ext.Status != enforcement.ExtensionApproved || ext.DecidedBy == nil || *ext.DecidedBy != b.people["emb-lead"].UserID || ext.DecidedAt == nil {
		t.Fatalf("extension = %+v", ext)
	}
	_, err = b.db.RefuseExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: "改主意了"})
	wantCode(t, err, enforcement.ECONFLICT)

	got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID)
	if got.DueOn.String() != "2026-03-16" || got.DueRule != enforcement.DueRuleExtension || !got.DueAt.Equal(shanghai(b, "2026-03-17", 0)) {
		t.Fatalf("order due %s by %s at %s", got.DueOn, got.DueRule, got.DueAt)
	}
	// The fired reminder stays; the rest of the old ladder is cancelled;
	// the new one counts from 16 March.
	wantLadder(t, b.ladder(t, o.ID, "2026-03-09"), "0:fired", "1:cancelled", "2:cancelled", "3:cancelled")
	wantLadder(t, b.ladder(t, o.ID, "2026-03-16"), "0:pending", "1:pending", "2:pending", "3:pending")

	// The old deadline passes quietly; the new one fires level 1.
	b.sweepAt(t, shanghai(b, "2026-03-10", 0))
	if got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID); got.Status != enforcement.OrderOpen {
		t.Fatalf("status %s after the old deadline", got.Status)
	}
	b.sweepAt(t, shanghai(b, "2026-03-17", 0))
	wantLadder(t, b.ladder(t, o.ID, "2026-03-16"), "0:fired", "1:fired", "2:pending", "3:pending")
	if got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID); got.Status != enforcement.OrderOverdue {
		t.Fatalf("status %s after the new deadline", got.Status)
	}
	for action, n := range map[string]int{"extension.requested": 1, "extension.approved": 1} {
		if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_id = $2`, action, o.ID); got != n {
			t.Fatalf("%d %s audit events", got, action)
		}
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'extension_approved'`, b.people["emb-i1"].UserID); n != 1 {
		t.Fatalf("the requester has %d notifications of the approval", n)
	}
}

func TestRefusedExtensionLeavesTheLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 5) // due Mon 9 March
	ext, err := b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{Reason: "资金不足", ProposedDueDate: enforcement.MustParseDate("2026-03-20")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.RefuseExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: " "})
	wantCode(t, err, enforcement.EINVALID)
	ext, err = b.db.RefuseExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: "隐患风险高，不予延期"})
	if err != nil {
		t.Fatal(err)
	}
	if ext.Status != enforcement.ExtensionRefused || ext.Note != "隐患风险高，不予延期" {
		t.Fatalf("extension = %+v", ext)
	}
	_, err = b.db.ApproveExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{})
	wantCode(t, err, enforcement.ECONFLICT)

	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'extension.refused' AND subject_id = $1`, o.ID); n != 1 {
		t.Fatalf("%d audit events of the refusal", n)
	}
	// A new request may follow a refusal.
	again, err := b.db.RequestExtension(b.as("emb-i2"), o.ID, &enforcement.ExtensionCreate{Reason: "补充材料后再次申请", ProposedDueDate: enforcement.MustParseDate("2026-03-13")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.RefuseExtension(b.as("emb-lead"), again.ID, &enforcement.ExtensionDecision{Note: "仍不同意"}); err != nil {
		t.Fatal(err)
	}

	// The ladder of 9 March goes on.
	b.clock.Advance(8 * 24 * time.Hour) // Tue 10 March 10:00
	b.sweepAt(t, b.clock.Now())
	wantLadder(t, b.ladder(t, o.ID, "2026-03-09"), "0:fired", "1:fired", "2:pending", "3:pending")
	if got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID); got.Status != enforcement.OrderOverdue || got.DueOn.String() != "2026-03-09" {
		t.Fatalf("order = %s due %s", got.Status, got.DueOn)
	}
	_, err = b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{Reason: "再次申请", ProposedDueDate: enforcement.MustParseDate("2026-03-20")})
	wantCode(t, err, enforcement.ECONFLICT)
}

func TestPolicySeedIsTheDefault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	policies, err := b.db.FindEscalationPolicies(b.as("emb-i1"), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(policies) != 2 {
		t.Fatalf("%d policies in force", len(policies))
	}
	for _, p := range policies {
		if !p.EscalationPolicy.Equal(enforcement.DefaultEscalationPolicy(p.Severity)) {
			t.Errorf("seeded %s policy %+v is not the default", p.Severity, p.EscalationPolicy)
		}
	}
}

func TestPolicyChangeAppliesToOrdersIssuedAfterIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	before := b.issueOrder(t, visitID, 5) // due Mon 9 March

	strict := &enforcement.EscalationPolicy{Severity: enforcement.SeverityGeneral, Steps: []enforcement.EscalationStep{
		{Level: enforcement.LevelReminder, OffsetWorkingDays: -1, Recipients: []enforcement.Role{enforcement.RoleInspector, enforcement.RoleDeptLead}},
		{Level: enforcement.LevelOverdue, OffsetWorkingDays: 0, Recipients: []enforcement.Role{enforcement.RoleDeptLead}},
		{Level: enforcement.LevelBoard, OffsetWorkingDays: 1, Recipients: []enforcement.Role{enforcement.RoleCoordinator}},
		{Level: enforcement.LevelListed, OffsetWorkingDays: 2, Recipients: []enforcement.Role{enforcement.RoleCoordinator, enforcement.RoleLeadership}},
	}}
	_, err := b.db.SetEscalationPolicy(b.as("coord"), strict)
	wantCode(t, err, enforcement.EFORBIDDEN)
	stored, err := b.db.SetEscalationPolicy(b.as("admin"), strict)
	if err != nil {
		t.Fatal(err)
	}
	if stored.ID == before.EscalationPolicyID || before.EscalationPolicyID == 0 {
		t.Fatalf("new policy %d, the old order's %d", stored.ID, before.EscalationPolicyID)
	}
	again, err := b.db.SetEscalationPolicy(b.as("admin"), strict)
	if err != nil || again.ID != stored.ID {
		t.Fatalf("storing the same policy again made %v, %v", again, err)
	}
	after := b.issueOrder(t, visitID, 5) // due Mon 9 March too
	if after.EscalationPolicyID != stored.ID {
		t.Fatalf("the new order names policy %d, want %d", after.EscalationPolicyID, stored.ID)
	}

	fireAt := func(orderID int64, level int) time.Time {
		var at time.Time
		if err := b.pool.QueryRow(b.ctx, `SELECT fire_at FROM escalations WHERE subject_kind = 'rectification_order' AND subject_id = $1 AND level = $2`,
			orderID, level).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	// The order issued before keeps the default: listed 5 working days
	// after 9 March; the one issued after is listed 2 working days after.
	for _, c := range []struct {
		order *enforcement.RectificationOrder
		level int
		want  time.Time
	}{
		{before, 0, shanghai(b, "2026-03-04", 9)},
		{before, 3, shanghai(b, "2026-03-17", 0)},
		{after, 0, shanghai(b, "2026-03-06", 9)},
		{after, 2, shanghai(b, "2026-03-11", 0)},
		{after, 3, shanghai(b, "2026-03-12", 0)},
	} {
		if got := fireAt(c.order.ID, c.level); !got.Equal(c.want) {
			t.Errorf("order %d level %d fires at %s, want %s", c.order.ID, c.level, got.In(b.db.Location), c.want)
		}
	}
	b.sweepAt(t, shanghai(b, "2026-03-12", 0))
	b.assertFired(t, before.ID, 0, 1, 2)
	b.assertFired(t, after.ID, 0, 1, 2, 3)

	// An order keeps its policy through an extension: this one, issued
	// under the strict policy, is extended after the default came back, and
	// its new ladder is still the strict one.
	fresh := b.issueOrder(t, visitID, 5)
	b.setPolicyBack(t)
	ext, err := b.db.RequestExtension(b.as("emb-i1"), fresh.ID, &enforcement.ExtensionCreate{Reason: "r", ProposedDueDate: enforcement.MustParseDate("2026-03-16")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.ApproveExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{}); err != nil {
		t.Fatal(err)
	}
	var l3 time.Time
	if err := b.pool.QueryRow(b.ctx, `SELECT fire_at FROM escalations WHERE subject_id = $1 AND level = 3 AND due_on = '2026-03-16'`, fresh.ID).Scan(&l3); err != nil {
		t.Fatal(err)
	}
	if want := shanghai(b, "2026-03-19", 0); !l3.Equal(want) { // 16 March + 2 working days, the strict policy's
		t.Fatalf("after the extension level 3 fires at %s, want %s", l3, want)
	}

	_, err = b.db.FindEscalationPolicies(b.ctx, true)
	wantCode(t, err, enforcement.EUNAUTHORIZED)
	history, err := b.db.FindEscalationPolicies(b.as("admin"), true)
	if err != nil || len(history) != 4 || history[0].Severity != enforcement.SeverityGeneral {
		t.Fatalf("history = %v, %v", history, err)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'escalation_policy.updated'`); n != 2 {
		t.Fatalf("%d audit events of policy changes", n)
	}
}

// setPolicyBack stores the default general policy again: a change after
// an order was issued does not touch it.
func (b *testBundle) setPolicyBack(t *testing.T) {
	t.Helper()
	p := enforcement.DefaultEscalationPolicy(enforcement.SeverityGeneral)
	if _, err := b.db.SetEscalationPolicy(b.as("admin"), &p); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	step := func(level, offset int, roles ...enforcement.Role) enforcement.EscalationStep {
		if roles == nil {
			roles = []enforcement.Role{enforcement.RoleCoordinator}
		}
		return enforcement.EscalationStep{Level: enforcement.EscalationLevel(level), OffsetWorkingDays: offset, Recipients: roles}
	}
	for name, c := range map[string]struct {
		steps []enforcement.EscalationStep
		field string
	}{
		"level 4":               {[]enforcement.EscalationStep{step(1, 0), step(4, 9)}, "steps[1].level"},
		"reminder after":        {[]enforcement.EscalationStep{step(0, 1), step(1, 0)}, "steps[0].offset_working_days"},
		"level 1 late":          {[]enforcement.EscalationStep{step(1, 1)}, "steps[0].offset_working_days"},
		"not ascending":         {[]enforcement.EscalationStep{step(1, 0), step(2, 3), step(3, 3)}, "steps[2].offset_working_days"},
		"unknown role":          {[]enforcement.EscalationStep{step(1, 0, "janitor")}, "steps[0].recipients"},
		"auditor is no target":  {[]enforcement.EscalationStep{step(1, 0, enforcement.RoleAuditor)}, "steps[0].recipients"},
		"no recipients":         {[]enforcement.EscalationStep{{Level: 1}}, "steps[0].recipients"},
		"no level 1":            {[]enforcement.EscalationStep{step(2, 1)}, "steps"},
		"twice":                 {[]enforcement.EscalationStep{step(1, 0), step(1, 0)}, "steps[1].level"},
		"empty":                 {nil, "steps"},
		"level 2 at deadline":   {[]enforcement.EscalationStep{step(1, 0), step(2, 0)}, "steps[1].offset_working_days"},
		"reminder a year ahead": {[]enforcement.EscalationStep{step(0, -250), step(1, 0)}, "steps[0].offset_working_days"},
	} {
		_, err := b.db.SetEscalationPolicy(b.as("admin"), &enforcement.EscalationPolicy{Severity: enforcement.SeverityMajor, Steps: c.steps})
		wantCode(t, err, enforcement.EINVALID)
		if e, ok := err.(*enforcement.Error); !ok || e.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a message on %s", name, err, c.field)
		}
	}
	if n := count(t, b.pool, `SELECT count(*) FROM escalation_policies`); n != 2 {
		t.Fatalf("%d policies after invalid changes", n)
	}
}

// testCalendar stands in for enforcement/calendar, which this adapter's
// tests do not import: overrides first, then one official holiday
// (2026-04-06, 清明节, a Monday), then plain weekdays.
type testCalendar struct{ overrides map[enforcement.Date]bool }

var qingming = enforcement.MustParseDate("2026-04-06")

func (c testCalendar) IsWorkingDay(d enforcement.Date) bool {
	if w, ok := c.overrides[d]; ok {
		return w
	} else if w, ok := c.OfficialDays(d.Year)[d]; ok {
		return w
	}
	return enforcement.WeekdayCalendar{}.IsWorkingDay(d)
}

func (testCalendar) OfficialDays(year int) map[enforcement.Date]bool {
	if year == qingming.Year {
		return map[enforcement.Date]bool{qingming: false}
	}
	return nil
}

func liveCalendar(t *testing.T, b *testBundle) *postgres.LiveCalendar {
	t.Helper()
	live, err := postgres.NewLiveCalendar(b.ctx, b.pool, func(o map[enforcement.Date]bool) enforcement.Calendar {
		return testCalendar{o}
	})
	if err != nil {
		t.Fatal(err)
	}
	return live
}

func TestCalendarOverrideAppliesAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.db.Calendar = liveCalendar(t, b)
	visitID := b.acceptedVisit(t)

	// A second instance hears of the change through LISTEN.
	other := liveCalendar(t, b)
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	go other.Listen(ctx, b.pool, nil)

	tuesday := enforcement.MustParseDate("2026-03-03")
	_, err := b.db.SetCalendarOverride(b.as("coord"), tuesday, &enforcement.CalendarOverride{Working: ptr(false)})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.SetCalendarOverride(b.as("admin"), tuesday, &enforcement.CalendarOverride{})
	wantCode(t, err, enforcement.EINVALID)
	day, err := b.db.SetCalendarOverride(b.as("admin"), tuesday, &enforcement.CalendarOverride{Working: ptr(false), Note: "台风停工 / typhoon"})
	if err != nil {
		t.Fatal(err)
	}
	if day.Working || day.Source != enforcement.CalendarSourceOverride || day.OfficialWorking == nil || !*day.OfficialWorking {
		t.Fatalf("day = %+v", day)
	}
	// Due in 1 working day from Monday 2 March skips the Tuesday off.
	if o := b.issueOrder(t, visitID, 1); o.DueOn.String() != "2026-03-04" {
		t.Fatalf("due %s, want 2026-03-04", o.DueOn)
	}
	waitFor(t, func() bool { return !other.IsWorkingDay(tuesday) })

	year, err := b.db.FindCalendarYear(b.as("emb-i1"), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if !year.HasOfficialData || len(year.Days) != 2 ||
		year.Days[0].Date != tuesday || year.Days[0].Source != enforcement.CalendarSourceOverride || year.Days[0].Note != "台风停工 / typhoon" ||
		year.Days[1].Source != enforcement.CalendarSourceOfficial || year.Days[1].Working {
		t.Fatalf("2026 = %+v", year)
	}

	if err := b.db.DeleteCalendarOverride(b.as("admin"), tuesday); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.db.DeleteCalendarOverride(b.as("admin"), tuesday), enforcement.ENOTFOUND)
	if o := b.issueOrder(t, visitID, 1); o.DueOn.String() != "2026-03-03" {
		t.Fatalf("due %s after the override was removed, want 2026-03-03", o.DueOn)
	}
	waitFor(t, func() bool { return other.IsWorkingDay(tuesday) })
	for _, action := range []string{"calendar.override_set", "calendar.override_deleted"} {
		if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_kind = 'calendar_day' AND subject_id = 20260303`, action); n != 1 {
			t.Fatalf("%d %s audit events", n, action)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestListedRegisterAndSignOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	o := b.issueOrder(t, visitID, 1)    // due Tue 3 March
	open := b.issueOrder(t, visitID, 9) // due Fri 13 March: not listed by 11 March
	b.sweepAt(t, shanghai(b, "2026-03-11", 0))
	b.clock.Advance(8 * 24 * time.Hour) // Tue 10 March 10:00

	listed, err := b.db.FindListedOrders(b.as("coord"))
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 {
		t.Fatalf("register = %+v", listed)
	}
	l := listed[0]
	if l.RectificationOrderID != o.ID || l.Department != "EMB" || l.DueOn.String() != "2026-03-03" || l.DaysOverdue != 7 ||
		l.ListedSince == nil || !l.ListedSince.Equal(shanghai(b, "2026-03-11", 0)) || l.Enterprise == "" {
		t.Fatalf("entry = %+v", l)
	}
	for who, n := range map[string]int{"emb-lead": 1, "msa-lead": 0, "admin": 1} {
		got, err := b.db.FindListedOrders(b.as(who))
		if err != nil || len(got) != n {
			t.Fatalf("%s sees %d listed (%v), want %d", who, len(got), err, n)
		}
	}
	_, err = b.db.FindListedOrders(b.as("emb-i1"))
	wantCode(t, err, enforcement.EFORBIDDEN)

	// A failed verification keeps it listed; a passed one signs it off.
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "已整改"}); err != nil {
		t.Fatal(err)
	}
	d := enforcement.MustParseDate("2026-03-20")
	if _, err := b.db.VerifyOrder(b.as("emb-i2"), o.ID, &enforcement.VerificationCreate{Passed: ptr(false), Note: "未整改到位", NewDue: enforcement.DueRule{Date: &d}}); err != nil {
		t.Fatal(err)
	}
	if listed, _ := b.db.FindListedOrders(b.as("coord")); len(listed) != 1 || listed[0].DaysOverdue != 0 {
		t.Fatalf("register after a failed verification = %+v", listed)
	}
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "已全部整改"}); err != nil {
		t.Fatal(err)
	}
	got, err := b.db.VerifyOrder(b.as("emb-i2"), o.ID, &enforcement.VerificationCreate{Passed: ptr(true), Note: "复查合格，销号"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Listed || got.ListedSignedOffBy == nil || *got.ListedSignedOffBy != b.people["emb-i2"].UserID || got.ListedSignedOffAt == nil {
		t.Fatalf("order = %+v", got)
	}
	if listed, _ := b.db.FindListedOrders(b.as("coord")); len(listed) != 0 {
		t.Fatalf("register after sign-off = %+v", listed)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'listed.signed_off' AND subject_id = $1`, o.ID); n != 1 {
		t.Fatalf("%d sign-off audit events", n)
	}
	// An order closed without ever being listed records no sign-off.
	if _, err := b.db.CancelOrder(b.as("emb-lead"), open.ID, "重复下达"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.db.FindOrderByID(b.as("coord"), open.ID); got.ListedSignedOffBy != nil {
		t.Fatalf("signed off an order never listed: %+v", got)
	}
}

func TestOrderHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 5) // due Mon 9 March
	ext, err := b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{Reason: "r", ProposedDueDate: enforcement.MustParseDate("2026-03-11")})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	if _, err := b.db.RefuseExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: "no"}); err != nil {
		t.Fatal(err)
	}
	b.sweepAt(t, shanghai(b, "2026-03-04", 9)) // the reminder
	b.clock.Advance(3 * 24 * time.Hour)        // Thu 5 March
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "done"}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	d := enforcement.MustParseDate("2026-03-20")
	if _, err := b.db.VerifyOrder(b.as("emb-i2"), o.ID, &enforcement.VerificationCreate{Passed: ptr(false), Note: "未整改", NewDue: enforcement.DueRule{Date: &d}}); err != nil {
		t.Fatal(err)
	}

	_, err = b.db.FindOrderHistory(b.as("msa-lead"), o.ID)
	wantCode(t, err, enforcement.ENOTFOUND)
	h, err := b.db.FindOrderHistory(b.as("emb-lead"), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, e := range h {
		if i > 0 && e.At.Before(h[i-1].At) {
			t.Fatalf("history out of order at %d: %+v", i, h)
		}
		kinds = append(kinds, e.Kind)
	}
	// Requested and refused on 2 March; the reminder on 4 March; evidence on
	// 5 March cancels the rest of the first ladder and opens the
	// verification clock, which the failed verification cancels before the
	// ladder of 20 March is written.
	want := []string{"issued", "extension_requested", "extension_decided", "escalation_fired",
		"evidence_submitted", "escalation_cancelled", "escalation_cancelled", "escalation_cancelled",
		"verification", "escalation_cancelled",
		"escalation_pending", "escalation_pending", "escalation_pending", "escalation_pending"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("history kinds %v, want %v", kinds, want)
	}
	if v := h[8].Verification; v == nil || v.Passed || v.NewDueOn == nil || *v.NewDueOn != d || v.Note != "未整改" {
		t.Fatalf("verification = %+v", h[8].Verification)
	}
}

// TestOrderHistoryIssueAndEvidence: an approved extension and a failed
// verification change the order row; its history still holds the due date
// set at issue and every submission of evidence with its text, for the
// department's inspectors and lead, who do not read the audit trail.
// Another department gets ENOTFOUND.
func TestOrderHistoryIssueAndEvidence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 5) // due Mon 9 March
	ext, err := b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{Reason: "r", ProposedDueDate: enforcement.MustParseDate("2026-03-11")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.ApproveExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: "ok"}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	first, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "  已清理库存 "})
	if err != nil {
		t.Fatal(err)
	}
	firstAt := *first.EvidenceAt
	b.clock.Advance(time.Hour)
	d := enforcement.MustParseDate("2026-03-20")
	if _, err := b.db.VerifyOrder(b.as("emb-i2"), o.ID, &enforcement.VerificationCreate{Passed: ptr(false), Note: "仍超量", NewDue: enforcement.DueRule{Date: &d}}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(time.Hour)
	second, err := b.db.SubmitEvidence(b.as("emb-lead"), o.ID, &enforcement.EvidenceCreate{Text: "已全部清理"})
	if err != nil {
		t.Fatal(err)
	}
	secondAt := *second.EvidenceAt

	// recorded returns the issue and the submissions of evidence of the
	// history as the named person reads it.
	recorded := func(t *testing.T, key string) (*enforcement.OrderIssue, time.Time, []enforcement.OrderHistoryEntry) {
		t.Helper()
		h, err := b.db.FindOrderHistory(b.as(key), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var issue *enforcement.OrderIssue
		var issuedAt time.Time
		var evidence []enforcement.OrderHistoryEntry
		for _, e := range h {
			switch e.Kind {
			case enforcement.HistoryIssued:
				if issue != nil || e.Issue == nil {
					t.Fatalf("history %+v: a second issue, or one without its details", h)
				}
				issue, issuedAt = e.Issue, e.At
			case enforcement.HistoryEvidenceSubmitted:
				if e.Evidence == nil {
					t.Fatalf("evidence entry without its details: %+v", e)
				}
				evidence = append(evidence, e)
			}
		}
		if issue == nil {
			t.Fatalf("no issue in the history %+v", h)
		}
		return issue, issuedAt, evidence
	}
	for _, key := range []string{"emb-i2", "emb-lead"} {
		issue, issuedAt, evidence := recorded(t, key)
		want := enforcement.OrderIssue{IssuedBy: b.people["emb-i1"].UserID, IssuedByName: "emb-i1",
			DueOn: enforcement.MustParseDate("2026-03-09"), DueRule: "working_days:5"}
		if *issue != want || !issuedAt.Equal(o.IssuedAt) {
			t.Errorf("%s: issue %+v at %s, want %+v at %s", key, *issue, issuedAt, want, o.IssuedAt)
		}
		if len(evidence) != 2 {
			t.Fatalf("%s: %d submissions of evidence, want 2", key, len(evidence))
		}
		if e := evidence[0]; !e.At.Equal(firstAt) || *e.Evidence != (enforcement.EvidenceSubmission{SubmittedBy: b.people["emb-i1"].UserID, SubmittedByName: "emb-i1", Text: "已清理库存"}) {
			t.Errorf("%s: first submission %+v at %s", key, *e.Evidence, e.At)
		}
		if e := evidence[1]; !e.At.Equal(secondAt) || *e.Evidence != (enforcement.EvidenceSubmission{SubmittedBy: b.people["emb-lead"].UserID, SubmittedByName: "emb-lead", Text: "已全部清理"}) {
			t.Errorf("%s: second submission %+v at %s", key, *e.Evidence, e.At)
		}
	}
	for _, key := range []string{"msa-lead", "msa-i1"} {
		_, err := b.db.FindOrderHistory(b.as(key), o.ID)
		wantCode(t, err, enforcement.ENOTFOUND)
	}

	// An order older than its audit trail: no issue event, and events
	// without the text. The issue comes from the row without the due date
	// it no longer holds; the latest submission's text from the row.
	t.Run("before the audit trail held them", func(t *testing.T) {
		mustExec(t, b.pool, `DELETE FROM audit_events WHERE subject_kind = 'rectification_order' AND subject_id = $1 AND action = 'rectification_order.issued'`, o.ID)
		mustExec(t, b.pool, `UPDATE audit_events SET details = details - 'text' WHERE subject_kind = 'rectification_order' AND subject_id = $1`, o.ID)
		issue, issuedAt, evidence := recorded(t, "emb-lead")
		if want := (enforcement.OrderIssue{IssuedBy: b.people["emb-i1"].UserID}); *issue != want || !issuedAt.Equal(o.IssuedAt) {
			t.Errorf("issue %+v at %s, want %+v at %s", *issue, issuedAt, want, o.IssuedAt)
		}
		if len(evidence) != 2 || evidence[0].Evidence.Text != "" || evidence[1].Evidence.Text != "已全部清理" {
			t.Errorf("submissions %+v", evidence)
		}
	})
}
