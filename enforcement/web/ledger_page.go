package web

import (
	"net/http"
	"net/url"
	"strconv"

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

// parseLedgerQuery reads the filter from the URL; EINVALID names the field
// with a value the form never offers. A dept_lead's department is always
// their own.
func parseLedgerQuery(v url.Values, a *enforcement.Actor) (ledgerQuery, error) {
	q := ledgerQuery{Department: v.Get("department"), Subdistrict: v.Get("subdistrict"), Industry: v.Get("industry"),
		Status: v.Get("status"), Severity: v.Get("severity"), Listed: v.Get("listed") == "1", Page: 1}
	if !a.ReadsAll() {
		q.Department = a.Department
	}
	if _, err := queryEnum(v, "status", orderStatuses...); err != nil {
		return q, err
	}
	if _, err := queryEnum(v, "severity", enforcement.SeverityGeneral, enforcement.SeverityMajor); err != nil {
		return q, err
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1<<20 {
			return q, enforcement.FieldError("page", "The page must be a number from 1; got %q.", p)
		}
		q.Page = n
	}
	return q, nil
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
	// Export is the query string of the current filter, for the export
	// links.
	Export string
}

// handleLedgerPage answers GET /ledger?department=&subdistrict=&industry=&status=&severity=&listed=1&page=.
func (s *Server) handleLedgerPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := enforcement.RequireRole(ctx, ledgerRoles...)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	q, err := parseLedgerQuery(r.URL.Query(), a)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
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
	ex := r.URL.Query()
	ex.Del("page")
	p.Export = ex.Encode()
	s.renderPage(w, r, page{Name: "ledger.html", Title: "ledger.title", Nav: "ledger", Data: p})
}

// orderOverdue reports whether o's due date (in the district's calendar
// days) has passed without evidence: status overdue, or open after its due
// date before the sweep has marked it.
func orderOverdue(o *enforcement.RectificationOrder, today enforcement.Date) bool {
	return o.Status == enforcement.OrderOverdue || (o.Status == enforcement.OrderOpen && o.DueOn.Before(today))
}
