package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// uiVisitRoutes registers the visit page of an inspector (hazards, orders).
func (s *Server) uiVisitRoutes(r chi.Router) {
	r.Get("/visits/{id}", s.handleVisitPage)
	r.Post("/visits/{id}/hazards", s.handleHazardForm)
	r.Post("/visits/{id}/orders", s.handleOrderForm)
	r.Get("/visits/{id}/due", s.handleVisitDuePreview)
}

// handleVisitDuePreview answers GET /visits/{id}/due?days=N (or
// due_working_days=N, as the order form's field sends it under htmx) with
// the fragment that says what N working days from today come to:
// "→ 2026年3月9日（周一）". The 404 page for a visit the viewer does not see.
func (s *Server) handleVisitDuePreview(w http.ResponseWriter, r *http.Request) {
	if _, err := s.loadVisitPage(r); err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.renderDuePreview(w, r, "days", "due_working_days")
}

// visitOrderLimit bounds the orders read to find those of one visit: the
// newest of the viewer's department, which is where a visit in progress
// has its orders.
const visitOrderLimit = 1000

// visitPage is the data of visit.html.
type visitPage struct {
	Visit *enforcement.Visit
	// Mine is the viewer's department's task on the visit, nil for a
	// viewer from no department on it (a coordinator).
	Mine *enforcement.Task
	// CanRecord is true for an inspector whose department's task is
	// accepted or in progress: the page offers the hazard and order forms.
	CanRecord bool
	// Orderable are the hazards of the viewer's department not yet under
	// a rectification order, which the order form offers.
	Orderable []*enforcement.Hazard
	// Orders are the rectification orders issued on the visit that the
	// viewer sees, newest first; HazardOrder maps a hazard to its order.
	Orders      []visitOrder
	HazardOrder map[int64]int64
	// MaxPhotoBytes caps a photo (bytes); MaxPhotoMiB is the same in MiB.
	MaxPhotoBytes, MaxPhotoMiB int64
	// Today is the first day a due date may be, as YYYY-MM-DD in the
	// district's time zone (Asia/Shanghai by default).
	Today string
}

// visitOrder is an order with the working days its due date was given
// in, 0 when it was given as a calendar date.
type visitOrder struct {
	*enforcement.RectificationOrder
	WorkingDays int
}

// handleVisitPage answers GET /visits/{id}: the team's checklist, the
// hazards recorded, the orders issued, and for an inspector of the team
// the forms to record a hazard and issue an order. 404 for a visit the
// viewer's department is not on.
func (s *Server) handleVisitPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadVisitPage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.renderVisitPage(w, r, p, nil, 0)
}

// handleHazardForm answers POST /visits/{id}/hazards, multipart/form-data
// (or urlencoded, without a photo) with severity (general or major),
// negative_list, description and an optional photo (JPEG, PNG or PDF up
// to MaxAttachmentBytes): the hazard is recorded with its photo in one
// transaction and the browser goes back to the visit, or the page shows
// again with 422 and what was typed; a bad photo records nothing.
func (s *Server) handleHazardForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadRecordablePage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if err := s.parseVisitForm(w, r); err != nil {
		s.visitFormError(w, r, err)
		return
	}
	defer removeMultipart(r)
	f := newForm(r)
	l := s.localizerFor(r)
	sev := enforcement.Severity(f.Get("severity"))
	if !sev.Valid() {
		f.Errors["severity"] = l.T("visit.error.severity")
	}
	f.Require(l.T("visit.error.description"), "description")
	photo := s.readPhoto(r, f)
	if !f.Failed() {
		var h *enforcement.Hazard
		h, err = s.Visits.RecordHazard(r.Context(), &enforcement.HazardCreate{VisitID: p.Visit.ID, Severity: sev,
			NegativeList: f.Get("negative_list") == "yes", Description: f.Get("description"), Photo: photo})
		if err == nil {
			redirectFlash(w, r, visitPath(p.Visit.ID)+"#hazard-"+strconv.FormatInt(h.ID, 10), "visit.hazard_recorded")
			return
		}
		if !f.Fail(err, s.langOf(r), nil) {
			s.htmlError(w, r, err)
			return
		}
	}
	s.renderVisitPage(w, r, p, f, formStatus(err))
}

// handleOrderForm answers POST /visits/{id}/orders with hazard_ids,
// due_mode ("date" or "days"), and due_date (YYYY-MM-DD) or
// due_working_days (working days after today in the enterprise's time
// zone). Issued, it goes back to the visit, where the order shows its
// computed due date; else the page shows again with 422. (The photos are
// the hazards'; the enterprise's evidence goes on the order's page.)
func (s *Server) handleOrderForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadRecordablePage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if err := s.parseVisitForm(w, r); err != nil {
		s.visitFormError(w, r, err)
		return
	}
	defer removeMultipart(r)
	f := newForm(r)
	c := s.readOrderForm(r, f)
	// The hazards named must be this visit's: the path's visit is the one
	// the order is issued on, whatever a tampered form says.
	for _, id := range c.HazardIDs {
		if !slices.ContainsFunc(p.Visit.Hazards, func(h *enforcement.Hazard) bool { return h.ID == id }) {
			s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No hazard %d on visit %d.", id, p.Visit.ID))
			return
		}
	}
	if !f.Failed() {
		var o *enforcement.RectificationOrder
		o, err = s.Rectifications.IssueOrder(r.Context(), c)
		if err == nil {
			redirectFlash(w, r, visitPath(p.Visit.ID)+"#order-"+strconv.FormatInt(o.ID, 10), "visit.order_issued")
			return
		}
		if !f.Fail(err, s.langOf(r), nil) {
			s.htmlError(w, r, err)
			return
		}
	}
	s.renderVisitPage(w, r, p, f, formStatus(err))
}

// parseVisitForm reads the body of a visit page form: multipart/form-data
// (the hazard form, with its photo) or urlencoded. Up to visitFormMaxBytes
// is read, so that a photo too large, even several times the limit, gets
// its message next to the field with everything typed kept (readPhoto);
// a larger body is the 413 error page. The caller defers removeMultipart.
func (s *Server) parseVisitForm(w http.ResponseWriter, r *http.Request) error {
	limit := s.visitFormMaxBytes()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		// Files beyond the memory budget go to temporary files.
		err = r.ParseMultipartForm(s.MaxAttachmentBytes + multipartOverheadBytes)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return &requestError{status: http.StatusRequestEntityTooLarge, slug: "too-large",
			detail: fmt.Sprintf("The form is larger than %d MiB; a photo may be at most %d MiB.", limit>>20, s.MaxAttachmentBytes>>20)}
	case err != nil:
		return enforcement.Errorf(enforcement.EINVALID, "The form cannot be read: %v", err).
			ZH("无法读取表单：%v", err)
	}
	return nil
}

// visitFormError answers a visit form whose body cannot be read: a body
// over visitFormMaxBytes is the localized 413 page that names the photo
// limit; anything else the error page of err.
func (s *Server) visitFormError(w http.ResponseWriter, r *http.Request, err error) {
	var re *requestError
	if !errors.As(err, &re) || re.status != http.StatusRequestEntityTooLarge {
		s.htmlError(w, r, err)
		return
	}
	s.renderPage(w, r, page{Name: "error.html", Title: "error.title.too_large", Status: http.StatusRequestEntityTooLarge,
		Data: errorPage{Code: "photo_too_large", RequestID: middleware.GetReqID(r.Context()),
			Message: s.localizerFor(r).T("visit.error.form_too_large", "MiB", s.MaxAttachmentBytes>>20)}})
}

// visitFormMaxBytes caps the body of a visit page form: four times the
// photo limit and 1 MiB for the fields.
func (s *Server) visitFormMaxBytes() int64 { return 4*s.MaxAttachmentBytes + 1<<20 }

// removeMultipart removes the temporary files of a multipart form, if any.
func removeMultipart(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
	}
}

// readPhoto reads the optional file "photo" of a multipart form, setting a
// localized message on f when it is too large or not a JPEG, PNG or PDF.
// It returns nil when no file was chosen.
func (s *Server) readPhoto(r *http.Request, f *form) *enforcement.AttachmentCreate {
	if r.MultipartForm == nil {
		return nil
	}
	l := s.localizerFor(r)
	file, header, err := r.FormFile("photo")
	if errors.Is(err, http.ErrMissingFile) {
		return nil
	} else if err != nil {
		f.Errors["photo"] = l.T("visit.error.photo_type")
		return nil
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, s.MaxAttachmentBytes+1))
	switch {
	case err != nil:
		f.Errors["photo"] = l.T("visit.error.photo_type")
	case len(data) == 0:
		return nil // an empty file input
	case int64(len(data)) > s.MaxAttachmentBytes:
		f.Errors["photo"] = l.T("visit.error.photo_size", "MiB", s.MaxAttachmentBytes>>20)
	default:
		if _, ok := enforcement.SniffAttachmentType(data); !ok {
			f.Errors["photo"] = l.T("visit.error.photo_type")
		}
	}
	return &enforcement.AttachmentCreate{Filename: header.Filename, Data: data}
}

// readOrderForm reads the order form into an OrderCreate, setting a
// localized message on f for each field at fault.
func (s *Server) readOrderForm(r *http.Request, f *form) *enforcement.OrderCreate {
	l := s.localizerFor(r)
	c := &enforcement.OrderCreate{}
	for _, v := range f.Values["hazard_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.HazardIDs = append(c.HazardIDs, id)
		}
	}
	if len(c.HazardIDs) == 0 {
		f.Errors["hazard_ids"] = l.T("visit.error.hazards")
	}
	// The radio due_mode says which way counts: the other field may still
	// hold what was typed before the switch.
	switch f.Get("due_mode") {
	case "date":
		c.DueRule, _ = readDueRule(f, l, "due_date", "")
	case "days":
		c.DueRule, _ = readDueRule(f, l, "", "due_working_days")
	default:
		f.Errors["due_mode"] = l.T("visit.error.due_mode")
	}
	return c
}

// loadVisitPage reads the visit of the path (ENOTFOUND unless the viewer's
// department is on it) and the orders issued on it.
func (s *Server) loadVisitPage(r *http.Request) (*visitPage, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	v, err := s.Visits.FindVisitByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a := enforcement.ActorFromContext(ctx)
	p := &visitPage{Visit: v, HazardOrder: map[int64]int64{}, MaxPhotoBytes: s.MaxAttachmentBytes,
		MaxPhotoMiB: s.MaxAttachmentBytes >> 20, Today: enforcement.DateOf(s.now().In(s.Location)).String()}
	for _, t := range v.Tasks {
		if a.Department != "" && t.Department == a.Department && t.Status != enforcement.TaskCancelled && t.Status != enforcement.TaskReassigned {
			p.Mine = t
		}
	}
	p.CanRecord = a.Has(enforcement.RoleInspector) && p.Mine != nil &&
		(p.Mine.Status == enforcement.TaskAccepted || p.Mine.Status == enforcement.TaskInProgress)
	f := enforcement.OrderFilter{Limit: visitOrderLimit}
	if a.Department != "" && !a.ReadsAll() {
		f.Department = &a.Department
	}
	orders, err := s.Rectifications.FindOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		if o.VisitID != v.ID {
			continue
		}
		vo := visitOrder{RectificationOrder: o}
		if n, ok := strings.CutPrefix(o.DueRule, "working_days:"); ok {
			vo.WorkingDays, _ = strconv.Atoi(n)
		}
		p.Orders = append(p.Orders, vo)
		if o.Status != enforcement.OrderCancelled {
			for _, h := range o.HazardIDs {
				p.HazardOrder[h] = o.ID
			}
		}
	}
	for _, h := range v.Hazards {
		if p.Mine != nil && h.Department == p.Mine.Department && p.HazardOrder[h.ID] == 0 {
			p.Orderable = append(p.Orderable, h)
		}
	}
	slices.SortStableFunc(p.Orders, func(x, y visitOrder) int { return int(y.ID - x.ID) })
	return p, nil
}

// loadRecordablePage is loadVisitPage for the hazard and order forms:
// EFORBIDDEN for a viewer who is not an inspector, ECONFLICT while their
// department's task is not accepted (or in progress).
func (s *Server) loadRecordablePage(r *http.Request) (*visitPage, error) {
	p, err := s.loadVisitPage(r)
	switch {
	case err != nil:
		return nil, err
	case !enforcement.ActorFromContext(r.Context()).Has(enforcement.RoleInspector) || p.Mine == nil:
		return nil, enforcement.Errorf(enforcement.EFORBIDDEN, "Only an inspector of a department on the visit records hazards and issues orders.")
	case !p.CanRecord:
		return nil, enforcement.Errorf(enforcement.ECONFLICT, "Your department's task on this visit is %s; it must be accepted first.", p.Mine.Status).
			ZH("本部门在此次联合检查中的任务状态为“%s”，须先接收任务。", enforcement.StatusZH(string(p.Mine.Status)))
	}
	return p, nil
}

// renderVisitPage shows visit.html with f (nil: empty forms).
func (s *Server) renderVisitPage(w http.ResponseWriter, r *http.Request, p *visitPage, f *form, status int) {
	s.renderPage(w, r, page{Name: "visit.html", Title: "visit.title", Nav: "inbox", Data: p, Form: f, Status: status})
}

// visitPath is the page of visit id.
func visitPath(id int64) string { return "/visits/" + strconv.FormatInt(id, 10) }
