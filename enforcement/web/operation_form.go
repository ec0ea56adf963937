package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jointops/jointops/enforcement"
)

// operationFormAliases maps the API's field names (OperationCreate and its
// criteria) to the new-operation form's, so that a domain error lands next
// to its field.
var operationFormAliases = map[string]string{
	"criteria.industries":     "industries",
	"criteria.subdistricts":   "subdistricts",
	"criteria.risk_grades":    "risk_grades",
	"criteria.sampling_ratio": "sampling_ratio",
	"criteria.min_gap_days":   "min_gap_days",
}

// riskGrades are the grades the form offers, high to low.
var riskGrades = []enforcement.RiskGrade{enforcement.RiskHigh, enforcement.RiskMedium, enforcement.RiskLow}

// operationNewPage is the data of operation_new.html and its "preview"
// fragment.
type operationNewPage struct {
	Departments  []enforcement.Department
	Subdistricts []enforcement.Subdistrict
	Industries   []enforcement.Industry
	// SubdistrictNames maps a subdistrict code to its name, for the
	// preview's counts.
	SubdistrictNames map[string]string
	// Preview is the draw's summary; nil when the criteria are incomplete
	// or cannot be planned, and then PreviewError says why.
	Preview      *enforcement.PlanSummary
	PreviewError string
}

// newOperationDefaults fills an empty form: a window starting five working
// days from today (leaving the leads their two working days to accept) and
// ending 11 calendar days later (two working weeks when it starts on a
// Monday), in the district's time zone; and the sampling ratios of
// DESIGN.md §4 in percent (high 100, medium 30, low 5).
func (s *Server) newOperationDefaults() *form {
	today := enforcement.DateOf(s.now().In(s.Location))
	start, err := enforcement.AddWorkingDays(s.Calendar, today, 5)
	if err != nil {
		start = today.AddDays(7)
	}
	return &form{Errors: map[string]string{}, Values: url.Values{
		"window_start": {start.String()}, "window_end": {start.AddDays(11).String()},
		"ratio_1": {"100"}, "ratio_2": {"30"}, "ratio_3": {"5"}, "min_gap_days": {"0"},
	}}
}

// parseOperationForm reads the new-operation form into an OperationCreate.
// Fields at fault get a message in the viewer's language next to them; it
// reports whether the form is free of errors. Ratios are typed in percent
// (0–100) and sent as shares (0–1); a blank ratio draws the grade in full.
// With preview set, a blank title is allowed: the preview does not need it.
func (s *Server) parseOperationForm(r *http.Request, f *form, preview bool) (*enforcement.OperationCreate, bool) {
	l := s.localizerFor(r)
	c := &enforcement.OperationCreate{
		Title:          strings.TrimSpace(f.Get("title")),
		LeadDepartment: f.Get("lead_department"),
		Departments:    f.Values["departments"],
		Criteria: enforcement.Criteria{
			Industries:   f.Values["industries"],
			Subdistricts: f.Values["subdistricts"],
		},
	}
	required := []string{"title", "lead_department", "window_start", "window_end"}
	if preview {
		required = required[1:]
		if c.Title == "" {
			c.Title = "preview" // the draw does not read it
		}
	}
	f.Require(l.T("form.required"), required...)
	for _, name := range []string{"window_start", "window_end"} {
		if v := strings.TrimSpace(f.Get(name)); v != "" {
			d, err := enforcement.ParseDate(v)
			if err != nil {
				f.Errors[name] = l.T("op.err.date")
				continue
			}
			if name == "window_start" {
				c.WindowStart = d
			} else {
				c.WindowEnd = d
			}
		}
	}
	today := enforcement.DateOf(s.now().In(s.Location))
	switch {
	case c.WindowEnd.IsZero():
	case !c.WindowStart.IsZero() && c.WindowEnd.Before(c.WindowStart):
		f.Errors["window_end"] = l.T("op.err.end_before_start")
	case c.WindowEnd.Before(today):
		f.Errors["window_end"] = l.T("op.err.end_past")
	}
	for _, v := range f.Values["risk_grades"] {
		g, err := strconv.Atoi(v)
		if err != nil || !enforcement.RiskGrade(g).Valid() {
			f.Errors["risk_grades"] = l.T("op.err.grade")
			continue
		}
		c.Criteria.RiskGrades = append(c.Criteria.RiskGrades, enforcement.RiskGrade(g))
	}
	for _, g := range riskGrades {
		name := "ratio_" + strconv.Itoa(int(g))
		v := strings.TrimSpace(f.Get(name))
		if v == "" || (len(c.Criteria.RiskGrades) > 0 && !slices.Contains(c.Criteria.RiskGrades, g)) {
			continue // drawn in full, or not drawn at all
		}
		pct, err := strconv.ParseFloat(v, 64)
		if err != nil || pct < 0 || pct > 100 {
			f.Errors[name] = l.T("op.err.ratio")
			continue
		}
		if c.Criteria.SamplingRatio == nil {
			c.Criteria.SamplingRatio = map[enforcement.RiskGrade]float64{}
		}
		c.Criteria.SamplingRatio[g] = pct / 100
	}
	if v := strings.TrimSpace(f.Get("min_gap_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			f.Errors["min_gap_days"] = l.T("op.err.gap")
		}
		c.Criteria.MinGapDays = n
	}
	return c, !f.Failed()
}

// operationNewData reads the reference lists the form offers.
func (s *Server) operationNewData(r *http.Request) (*operationNewPage, error) {
	ctx := r.Context()
	var p operationNewPage
	var err error
	if p.Departments, err = s.References.FindDepartments(ctx); err != nil {
		return nil, err
	}
	if p.Subdistricts, err = s.References.FindSubdistricts(ctx); err != nil {
		return nil, err
	}
	if p.Industries, err = s.References.FindIndustries(ctx); err != nil {
		return nil, err
	}
	p.SubdistrictNames = make(map[string]string, len(p.Subdistricts))
	for _, sd := range p.Subdistricts {
		p.SubdistrictNames[sd.Code] = sd.Name
	}
	return &p, nil
}

// handleOperationNew answers GET /operations/new: the empty form with its
// defaults; the preview loads beside it.
func (s *Server) handleOperationNew(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	p, err := s.operationNewData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.renderPage(w, r, page{Name: "operation_new.html", Title: "op.new.title", Nav: "operations", Data: p, Form: s.newOperationDefaults()})
}

// handleOperationCreatePage answers POST /operations: creates the operation
// and submits it (the plan job runs in River), then goes to its page. On a
// validation error the form comes back with status 422, everything typed
// kept and each message next to its field.
func (s *Server) handleOperationCreatePage(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.htmlError(w, r, enforcement.Errorf(enforcement.EINVALID, "The form could not be read."))
		return
	}
	f := newForm(r)
	c, ok := s.parseOperationForm(r, f, false)
	var op *enforcement.Operation
	if ok {
		var err error
		if op, err = s.Operations.CreateOperation(r.Context(), c); err == nil {
			op, err = s.Operations.SubmitOperation(r.Context(), op.ID)
		}
		if err != nil && !f.Fail(err, operationFormAliases) {
			s.htmlError(w, r, err)
			return
		}
	}
	if f.Failed() {
		p, err := s.operationNewData(r)
		if err != nil {
			s.htmlError(w, r, err)
			return
		}
		s.renderPage(w, r, page{Name: "operation_new.html", Title: "op.new.title", Nav: "operations", Data: p, Form: f, Status: http.StatusUnprocessableEntity})
		return
	}
	redirectFlash(w, r, "/operations/"+strconv.FormatInt(op.ID, 10), "op.flash.submitted")
}

// handleOperationPreviewPage answers POST /operations/preview (htmx, on
// every change of the form) with the "preview" fragment: the counts per
// grade, subdistrict and department, the visits saved by merging and each
// department's busiest day, from a draw that saves nothing. Incomplete or
// unplannable criteria answer 200 with the reason, so that htmx swaps it in.
func (s *Server) handleOperationPreviewPage(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.htmlError(w, r, enforcement.Errorf(enforcement.EINVALID, "The form could not be read."))
		return
	}
	p, err := s.operationNewData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	f := newForm(r)
	if c, ok := s.parseOperationForm(r, f, true); ok {
		p.Preview, err = s.Planning.PreviewOperation(r.Context(), c)
		if err != nil && !f.Fail(err, operationFormAliases) {
			s.htmlError(w, r, err)
			return
		}
	}
	if f.Failed() {
		p.Preview = nil
		p.PreviewError = f.Message
	}
	s.renderFragment(w, r, page{Name: "operation_new.html", Title: "op.new.title", Data: p, Form: f}, "preview")
}
