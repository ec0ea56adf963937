package web

import (
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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

// operationWindowMaxDays mirrors the domain's bound on a window
// (enforcement.OperationCreate.Validate), so that the form says in the
// viewer's language what the domain would refuse in English.
const operationWindowMaxDays = 366

// percentPattern is what a sampling ratio may be typed as: a plain decimal
// number, with an optional "%". strconv.ParseFloat alone would also take
// "NaN", "Inf", "1e2" and "0x1p-2".
var percentPattern = regexp.MustCompile(`^(\d+(\.\d*)?|\.\d+)%?$`)

// parsePercent reads a sampling ratio typed in percent. ok is false when v
// is not a decimal number; the caller checks the range.
func parsePercent(v string) (pct float64, ok bool) {
	v = strings.TrimSpace(v)
	if !percentPattern.MatchString(v) {
		return 0, false
	}
	pct, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || math.IsNaN(pct) || math.IsInf(pct, 0) {
		return 0, false
	}
	return pct, true
}

// parseOperationForm reads the new-operation form into an OperationCreate.
// Fields at fault get a message in the viewer's language next to them; it
// reports whether the form is free of errors. Ratios are typed in percent
// (0–100) and sent as shares (0–1); a blank ratio draws the grade in full.
// With preview set, a blank title is allowed: the preview does not need it.
// The codes chosen are checked against the lists ref offers (a tampered or
// stale form names a code that does not exist).
func (s *Server) parseOperationForm(r *http.Request, f *form, preview bool, ref *operationNewPage) (*enforcement.OperationCreate, bool) {
	l := s.localizerFor(r)
	c := &enforcement.OperationCreate{
		Title:          strings.TrimSpace(f.Get("title")),
		LeadDepartment: strings.TrimSpace(f.Get("lead_department")),
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
	if n := utf8.RuneCountInString(c.Title); n > enforcement.MaxTitleRunes {
		f.Errors["title"] = l.T("op.err.title_long", "Max", enforcement.MaxTitleRunes, "Length", n)
	}
	s.checkOperationCodes(l, f, ref, c)
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
	case !c.WindowStart.IsZero() && c.WindowStart.DaysUntil(c.WindowEnd) > operationWindowMaxDays:
		f.Errors["window_end"] = l.T("op.err.window_long", "Max", operationWindowMaxDays)
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
		if v == "" {
			continue // drawn in full
		}
		pct, ok := parsePercent(v)
		switch {
		case !ok:
			f.Errors[name] = l.T("op.err.ratio_number")
			continue
		case pct < 0 || pct > 100:
			f.Errors[name] = l.T("op.err.ratio")
			continue
		}
		if len(c.Criteria.RiskGrades) > 0 && !slices.Contains(c.Criteria.RiskGrades, g) {
			continue // not drawn at all
		}
		if pct == 0 && slices.Contains(c.Criteria.RiskGrades, g) {
			// Ticked, yet none drawn: a slip, not a wish.
			f.Errors[name] = l.T("op.err.ratio_zero")
			continue
		}
		if c.Criteria.SamplingRatio == nil {
			c.Criteria.SamplingRatio = map[enforcement.RiskGrade]float64{}
		}
		c.Criteria.SamplingRatio[g] = pct / 100
	}
	if v := strings.TrimSpace(f.Get("min_gap_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > operationWindowMaxDays*10 {
			f.Errors["min_gap_days"] = l.T("op.err.gap")
		}
		c.Criteria.MinGapDays = n
	}
	return c, !f.Failed()
}

// checkOperationCodes puts a message next to each field of the form that
// names a code ref does not offer: the lead department, the departments,
// the subdistricts and the industries.
func (s *Server) checkOperationCodes(l *localizer, f *form, ref *operationNewPage, c *enforcement.OperationCreate) {
	if ref == nil {
		return
	}
	depts := make(map[string]bool, len(ref.Departments))
	for _, d := range ref.Departments {
		depts[d.Code] = true
	}
	industries := make(map[string]bool, len(ref.Industries))
	for _, ind := range ref.Industries {
		industries[ind.Code] = true
	}
	if c.LeadDepartment != "" && !depts[c.LeadDepartment] {
		f.Errors["lead_department"] = l.T("op.err.unknown_lead", "Code", c.LeadDepartment)
	}
	for _, check := range []struct {
		name  string
		codes []string
		known func(string) bool
	}{
		{"departments", c.Departments, func(code string) bool { return depts[code] }},
		{"subdistricts", c.Criteria.Subdistricts, func(code string) bool { _, ok := ref.SubdistrictNames[code]; return ok }},
		{"industries", c.Criteria.Industries, func(code string) bool { return industries[code] }},
	} {
		var unknown []string
		for _, code := range check.codes {
			if !check.known(code) && !slices.Contains(unknown, code) {
				unknown = append(unknown, code)
			}
		}
		if len(unknown) > 0 {
			f.Errors[check.name] = l.T("op.err.unknown_codes", "Codes", strings.Join(unknown, l.T("op.sep")), "Count", len(unknown))
		}
	}
}

// checkPlannable runs the preview of c, saving nothing, and puts on f what
// would make its plan fail: the plan job draws again with its own seed, but
// a window of weekends or holidays, a window too short for the acceptance
// days, or departments too small for the visits fail whatever the seed. It
// returns an error that is not the user's to fix.
func (s *Server) checkPlannable(r *http.Request, f *form, c *enforcement.OperationCreate) error {
	_, err := s.Planning.PreviewOperation(r.Context(), c)
	if err == nil {
		return nil
	}
	if !f.Fail(err, s.langOf(r), operationFormAliases) {
		return err
	}
	if f.Message != "" {
		f.Message = s.localizerFor(r).T("op.err.unplannable", "Reason", f.Message)
	}
	return nil
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
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	p, err := s.operationNewData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	f := newForm(r)
	c, ok := s.parseOperationForm(r, f, false, p)
	if ok {
		// The same draw as the live preview, before anything is saved: the
		// criteria that cannot be planned come back with the reason.
		if err := s.checkPlannable(r, f, c); err != nil {
			s.htmlError(w, r, err)
			return
		}
	}
	var op *enforcement.Operation
	if !f.Failed() {
		if op, err = s.Operations.CreateOperation(r.Context(), c); err == nil {
			op, err = s.Operations.SubmitOperation(r.Context(), op.ID)
		}
		if err != nil && !f.Fail(err, s.langOf(r), operationFormAliases) {
			s.htmlError(w, r, err)
			return
		}
	}
	if f.Failed() {
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
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	p, err := s.operationNewData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	f := newForm(r)
	if c, ok := s.parseOperationForm(r, f, true, p); ok {
		p.Preview, err = s.Planning.PreviewOperation(r.Context(), c)
		if err != nil && !f.Fail(err, s.langOf(r), operationFormAliases) {
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
