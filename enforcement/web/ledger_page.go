package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// ledgerPageSize is how many orders one page of the ledger shows.
const ledgerPageSize = 50

// uiLedgerRoutes registers the rectification ledger (整改台账) and its
// exports, the order page with its actions, and the listed register.
func (s *Server) uiLedgerRoutes(r chi.Router) {
	r.Get("/ledger", s.handleLedgerPage)
	r.Get("/ledger.xlsx", s.handleLedgerXLSX)
	r.Get("/ledger.csv", s.handleLedgerCSV)
	s.uiOrderRoutes(r)
	r.Get("/listed", s.handleListedPage)
}

// ledgerRoles may read the ledger: a dept_lead sees their own department's
// orders only (the store scopes them); coordinators and auditors see all.
var ledgerRoles = []enforcement.Role{enforcement.RoleDeptLead, enforcement.RoleCoordinator, enforcement.RoleAuditor}

// ledgerQuery is the ledger's filter as typed into its GET form; an empty
// field selects everything.
type ledgerQuery struct {
	Department, Subdistrict, Industry, Status, Severity string
	// Listed is true to show listed (挂牌督办) orders only.
	Listed bool
	// Page counts from 1.
	Page int
}

// filter is the store's filter for q: one page of ledgerPageSize orders,
// and one more to tell whether a next page exists.
func (q ledgerQuery) filter() enforcement.OrderFilter {
	f := enforcement.OrderFilter{Limit: ledgerPageSize + 1, Offset: (q.Page - 1) * ledgerPageSize}
	if q.Department != "" {
		f.Department = &q.Department
	}
	if q.Subdistrict != "" {
		f.Subdistrict = &q.Subdistrict
	}
	if q.Industry != "" {
		f.Industry = &q.Industry
	}
	if q.Status != "" {
		st := enforcement.OrderStatus(q.Status)
		f.Status = &st
	}
	if q.Severity != "" {
		sv := enforcement.Severity(q.Severity)
		f.Severity = &sv
	}
	if q.Listed {
		f.Listed = &q.Listed
	}
	return f
}

// orderStatuses are the statuses the ledger filters by, in the order of an
// order's life.
var orderStatuses = []enforcement.OrderStatus{enforcement.OrderOpen, enforcement.OrderOverdue,
	enforcement.OrderSubmitted, enforcement.OrderVerified, enforcement.OrderCancelled}

// ledgerListedValues are the values of the "listed" filter that select
// listed orders only: the form's checkbox sends "1"; links and hand-typed
// URLs may say yes, true or on.
var ledgerListedValues = []string{"1", "yes", "true", "on"}

// parseLedgerQuery reads the filter from the URL. A value the form never
// offers (status, severity, listed, page) is left out of the filter and
// gets a localized message for its field in the returned map, so that the
// ledger shows again with the message next to that filter. A dept_lead's
// department is always their own.
func parseLedgerQuery(v url.Values, a *enforcement.Actor, l *localizer) (ledgerQuery, map[string]string) {
	q := ledgerQuery{Department: v.Get("department"), Subdistrict: v.Get("subdistrict"), Industry: v.Get("industry"),
		Status: v.Get("status"), Severity: v.Get("severity"), Page: 1}
	errs := map[string]string{}
	if !a.ReadsAll() {
		q.Department = a.Department
	}
	if _, err := queryEnum(v, "status", orderStatuses...); err != nil {
		q.Status, errs["status"] = "", l.T("ledger.error.status")
	}
	if _, err := queryEnum(v, "severity", enforcement.SeverityGeneral, enforcement.SeverityMajor); err != nil {
		q.Severity, errs["severity"] = "", l.T("ledger.error.severity")
	}
	switch listed := strings.ToLower(strings.TrimSpace(v.Get("listed"))); {
	case listed == "" || listed == "0" || listed == "no" || listed == "false" || listed == "off":
	case slices.Contains(ledgerListedValues, listed):
		q.Listed = true
	default:
		errs["listed"] = l.T("ledger.error.listed")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1<<20 {
			errs["page"] = l.T("ledger.error.page")
		} else {
			q.Page = n
		}
	}
	return q, errs
}

// ledgerRow is one order of the ledger with what makes it stand out.
type ledgerRow struct {
	*enforcement.RectificationOrder
	// Overdue is true for an order whose due date has passed without
	// evidence: marked overdue by the sweep, or not yet swept.
	Overdue bool
}

// ledgerPage is the data of ledger.html.
type ledgerPage struct {
	Rows  []ledgerRow
	Query ledgerQuery
	// AllDepartments is false for a dept_lead, who sees no department
	// filter.
	AllDepartments bool
	Departments    []enforcement.Department
	Subdistricts   []enforcement.Subdistrict
	Industries     []enforcement.Industry
	Statuses       []enforcement.OrderStatus
	Severities     []enforcement.Severity
	// Names maps subdistrict and industry codes to their names.
	Names map[string]string
	// Prev and Next are the neighbouring page numbers, 0 when none.
	Prev, Next int
	// ExportXLSX and ExportCSV are the export links of the current filter
	// (typed as URLs, so that the template keeps the query's = and &).
	ExportXLSX, ExportCSV template.URL
	// PastEnd is true for a page number beyond the last page: the page
	// offers a link back to page 1.
	PastEnd bool
	// ExportError says why an export was refused (too many orders).
	ExportError string
}

// exportURL is path with the query string of q's filter without the page,
// for the export links: only values the filter applies, so that an export
// never repeats a value the page refused.
func (q ledgerQuery) exportURL(path string) template.URL {
	v := url.Values{}
	for name, val := range map[string]string{"department": q.Department, "subdistrict": q.Subdistrict,
		"industry": q.Industry, "status": q.Status, "severity": q.Severity} {
		if val != "" {
			v.Set(name, val)
		}
	}
	if q.Listed {
		v.Set("listed", "1")
	}
	if len(v) == 0 {
		return template.URL(path)
	}
	return template.URL(path + "?" + v.Encode())
}

// handleLedgerPage answers GET /ledger?department=&subdistrict=&industry=&status=&severity=&listed=1&page=.
// A filter value the form never offers shows the ledger again, 422, with
// the message next to that filter and the other filters applied.
func (s *Server) handleLedgerPage(w http.ResponseWriter, r *http.Request) {
	s.showLedger(w, r, "")
}

// showLedger renders the ledger of r's filter; exportError, when not "",
// says above the export links why an export was refused (status 422).
// It serves the exports' refusals too, as the page of /ledger.
func (s *Server) showLedger(w http.ResponseWriter, r *http.Request, exportError string) {
	ctx := r.Context()
	a, err := enforcement.RequireRole(ctx, ledgerRoles...)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if r.URL.Path != "/ledger" {
		u := *r.URL
		u.Path, u.RawPath = "/ledger", ""
		r = r.Clone(ctx)
		r.URL = &u
	}
	q, errs := parseLedgerQuery(r.URL.Query(), a, s.localizerFor(r))
	orders, err := s.Rectifications.FindOrders(ctx, q.filter())
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	p := ledgerPage{Query: q, AllDepartments: a.ReadsAll(), Statuses: orderStatuses,
		Severities: []enforcement.Severity{enforcement.SeverityGeneral, enforcement.SeverityMajor}, Names: map[string]string{}}
	if len(orders) > ledgerPageSize {
		orders, p.Next = orders[:ledgerPageSize], q.Page+1
	}
	if q.Page > 1 {
		p.Prev = q.Page - 1
		p.PastEnd = len(orders) == 0
	}
	today := enforcement.DateOf(s.now().In(s.Location))
	for _, o := range orders {
		p.Rows = append(p.Rows, ledgerRow{o, orderOverdue(o, today)})
	}
	if p.Departments, err = s.References.FindDepartments(ctx); err != nil {
		s.htmlError(w, r, err)
		return
	}
	if p.Subdistricts, err = s.References.FindSubdistricts(ctx); err != nil {
		s.htmlError(w, r, err)
		return
	}
	if p.Industries, err = s.References.FindIndustries(ctx); err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, sd := range p.Subdistricts {
		p.Names[sd.Code] = sd.Name
	}
	for _, in := range p.Industries {
		p.Names[in.Code] = in.Name
	}
	p.ExportXLSX, p.ExportCSV = q.exportURL("/ledger.xlsx"), q.exportURL("/ledger.csv")
	p.ExportError = exportError
	pg := page{Name: "ledger.html", Title: "ledger.title", Nav: "ledger", Data: p}
	if exportError != "" {
		pg.Status = http.StatusUnprocessableEntity
	}
	if len(errs) > 0 {
		// The raw values stay in the URL (and in the filters that can
		// show them); the message sits next to each filter at fault.
		pg.Form = &form{Values: r.URL.Query(), Errors: errs}
		pg.Status = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, pg)
}

// orderOverdue reports whether o's due date (in the district's calendar
// days) has passed without evidence: status overdue, or open after its due
// date before the sweep has marked it.
func orderOverdue(o *enforcement.RectificationOrder, today enforcement.Date) bool {
	return o.Status == enforcement.OrderOverdue || (o.Status == enforcement.OrderOpen && o.DueOn.Before(today))
}
