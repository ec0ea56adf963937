package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiDashboardRoutes registers the dashboard.
func (s *Server) uiDashboardRoutes(r chi.Router) {
	r.Get("/dashboard", s.handleDashboard)
}

// dashboardPage is the data of dashboard.html.
type dashboardPage struct {
	*enforcement.Dashboard
	// Departments are those a coordinator may narrow the dashboard to;
	// empty for a lead, whose dashboard is their own department's.
	Departments []enforcement.Department
	// Totals sum the rows of Orders.
	Totals enforcement.DepartmentOrders
	// ClosureNow is the closure rate of the current week, in percent;
	// HasClosureNow is false when no order was issued so far, and the
	// rate is "—" rather than 0 %.
	ClosureNow    float64
	HasClosureNow bool
	// The charts' specifications, as JSON for the data-chart attribute
	// that static/dashboard.js reads (the page allows no inline script).
	OrdersChart, ClosureChart, HazardsChart, AcceptanceChart string
}

// chartSpec is what static/dashboard.js draws with ECharts: a bar or line
// chart of series over categories, labelled in the viewer's language.
type chartSpec struct {
	// Kind is "bar" or "line".
	Kind       string        `json:"kind"`
	Categories []string      `json:"categories"`
	Series     []chartSeries `json:"series"`
	// Unit labels the value axis.
	Unit string `json:"unit"`
	// MaxValue fixes the top of the value axis (100 for a percentage);
	// 0 lets ECharts choose.
	MaxValue float64 `json:"max_value,omitempty"`
}

// chartSeries is one series of a chart; series with the same Stack are
// stacked. Colour is never the only signal: dashboard.js adds decal
// patterns, and every chart has a table beside it.
type chartSeries struct {
	Name string `json:"name"`
	// Data holds a value per category; nil (JSON null) where there is
	// none, such as the closure rate of a week with no order issued yet:
	// ECharts leaves a gap there.
	Data  []*float64 `json:"data"`
	Stack string     `json:"stack,omitempty"`
	Color string     `json:"color"`
}

// handleDashboard answers GET /dashboard?department=: the charts of open
// and overdue orders, closure rate per week, hazards per industry and
// acceptance time, each with a table. Coordinators and leadership see
// every department or the one chosen; a dept_lead sees their own only;
// anyone else gets 403.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := enforcement.ActorFromContext(ctx)
	q := r.URL.Query()
	f := &form{Values: q, Errors: map[string]string{}}
	filter := enforcement.DashboardFilter{Department: strings.ToUpper(strings.TrimSpace(q.Get("department")))}
	depts, err := s.References.FindDepartments(ctx)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	wide := a != nil && (a.Has(enforcement.RoleCoordinator) || a.Has(enforcement.RoleLeadership))
	status := 0
	if wide && filter.Department != "" && !slices.ContainsFunc(depts, func(d enforcement.Department) bool { return d.Code == filter.Department }) {
		// An unknown department is refused where it was chosen, and the
		// page shows every department's figures, saying so: never a
		// scope labelled "all departments" with the figures of none.
		f.Errors["department"] = s.localizerFor(r).T("dashboard.error.department", "Code", filter.Department)
		filter.Department = ""
		status = http.StatusUnprocessableEntity
	}
	d, err := s.Statistics.FindDashboard(ctx, filter)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	p := dashboardPage{Dashboard: d}
	if wide {
		p.Departments = depts
	}
	l := s.localizerFor(r)
	name := func(code string) string {
		for _, x := range depts {
			if x.Code == code {
				return x.Name(l.lang)
			}
		}
		return code
	}
	for _, o := range d.Orders {
		p.Totals.Open += o.Open
		p.Totals.Overdue += o.Overdue
		p.Totals.Listed += o.Listed
	}
	if n := len(d.Closure); n > 0 && d.Closure[n-1].Issued > 0 {
		p.ClosureNow, p.HasClosureNow = d.Closure[n-1].RatePercent, true
	}
	p.OrdersChart = chartJSON(ordersChart(d, l, name))
	p.ClosureChart = chartJSON(closureChart(d, l))
	p.HazardsChart = chartJSON(hazardsChart(d, l))
	p.AcceptanceChart = chartJSON(acceptanceChart(d, l, name))
	s.renderPage(w, r, page{Name: "dashboard.html", Title: "dashboard.title", Nav: "dashboard", Data: p, Form: f, Status: status})
}

// The series colours; each also has a decal pattern and a table.
const (
	colourOpen    = "#0b57d0"
	colourOverdue = "#b42318"
	colourGeneral = "#9a6700"
	colourMajor   = "#8250df"
	colourRate    = "#1a7f37"
)

// ordersChart stacks open and overdue orders per department.
func ordersChart(d *enforcement.Dashboard, l *localizer, name func(string) string) chartSpec {
	c := chartSpec{Kind: "bar", Unit: l.T("dashboard.unit.orders")}
	open := chartSeries{Name: l.T("dashboard.orders.open"), Stack: "orders", Color: colourOpen}
	overdue := chartSeries{Name: l.T("dashboard.orders.overdue"), Stack: "orders", Color: colourOverdue}
	for _, o := range d.Orders {
		c.Categories = append(c.Categories, name(o.Department))
		open.Data = append(open.Data, chartValue(float64(o.Open)))
		overdue.Data = append(overdue.Data, chartValue(float64(o.Overdue)))
	}
	c.Series = []chartSeries{open, overdue}
	return c
}

// closureChart draws the closure rate per week as a line, in percent.
func closureChart(d *enforcement.Dashboard, l *localizer) chartSpec {
	c := chartSpec{Kind: "line", Unit: "%", MaxValue: 100}
	rate := chartSeries{Name: l.T("dashboard.closure.rate"), Color: colourRate}
	for _, w := range d.Closure {
		c.Categories = append(c.Categories, l.T("dashboard.closure.week_of", "Date", shortDate(l.lang, w.WeekOf)))
		if w.Issued == 0 {
			rate.Data = append(rate.Data, nil) // no rate: nothing issued
		} else {
			rate.Data = append(rate.Data, chartValue(w.RatePercent))
		}
	}
	c.Series = []chartSeries{rate}
	return c
}

// hazardsChart stacks general and major hazards per industry.
func hazardsChart(d *enforcement.Dashboard, l *localizer) chartSpec {
	c := chartSpec{Kind: "bar", Unit: l.T("dashboard.unit.hazards")}
	general := chartSeries{Name: l.T("dashboard.hazards.general"), Stack: "hazards", Color: colourGeneral}
	major := chartSeries{Name: l.T("dashboard.hazards.major"), Stack: "hazards", Color: colourMajor}
	for _, h := range d.Hazards {
		c.Categories = append(c.Categories, h.Name)
		general.Data = append(general.Data, chartValue(float64(h.General)))
		major.Data = append(major.Data, chartValue(float64(h.Major)))
	}
	c.Series = []chartSeries{general, major}
	return c
}

// acceptanceChart draws the average working days to accept per
// department.
func acceptanceChart(d *enforcement.Dashboard, l *localizer, name func(string) string) chartSpec {
	c := chartSpec{Kind: "bar", Unit: l.T("dashboard.unit.working_days")}
	avg := chartSeries{Name: l.T("dashboard.acceptance.average"), Color: colourOpen}
	for _, x := range d.Acceptance {
		c.Categories = append(c.Categories, name(x.Department))
		if x.Accepted == 0 {
			avg.Data = append(avg.Data, nil) // no average: nothing accepted
		} else {
			avg.Data = append(avg.Data, chartValue(x.AverageWorkingDays))
		}
	}
	c.Series = []chartSeries{avg}
	return c
}

// chartValue is a value of a chart series.
func chartValue(v float64) *float64 { return &v }

// chartJSON encodes c for a data-chart attribute; html/template escapes it
// there.
func chartJSON(c chartSpec) string {
	for i := range c.Series {
		if c.Series[i].Data == nil {
			c.Series[i].Data = []*float64{}
		}
	}
	if c.Categories == nil {
		c.Categories = []string{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// shortDate writes d as 3月2日 or 2 Mar, for chart axes.
func shortDate(lang string, d enforcement.Date) string {
	if lang == "en" {
		return d.UTC().Format("2 Jan")
	}
	return d.UTC().Format("1月2日")
}
