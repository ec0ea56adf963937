package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiOrderRoutes registers the order page and the forms of its actions.
// Each action answers with a redirect back to the order (Post/Redirect/
// Get), or with the page again, status 422, its message next to the field.
func (s *Server) uiOrderRoutes(r chi.Router) {
	r.Get("/orders/{id}", s.handleOrderPage)
	r.Post("/orders/{id}/evidence", s.handleOrderEvidenceForm)
	r.Post("/orders/{id}/attachments", s.handleOrderAttachmentForm)
	r.Post("/orders/{id}/verify", s.handleOrderVerifyForm)
	r.Post("/orders/{id}/extensions", s.handleOrderExtensionForm)
	r.Post("/orders/{id}/extensions/{ext}/approve", s.handleOrderExtensionDecision(true))
	r.Post("/orders/{id}/extensions/{ext}/refuse", s.handleOrderExtensionDecision(false))
	r.Post("/orders/{id}/cancel", s.handleOrderCancelForm)
	r.Get("/orders/{id}/due", s.handleOrderDuePreview)
}

// timelineItem is one event of an order's life on its page.
type timelineItem struct {
	// At is when it happened (shown in Asia/Shanghai); for a pending
	// escalation, when it will fire.
	At time.Time
	// Kind picks the template: hazard, issued, evidence, attachment,
	// verification, extension_requested, extension_decided,
	// escalation_fired, escalation_cancelled, escalation_pending, closed.
	Kind string
	// Due is the due date an "issued" entry set: the original one, as
	// recorded at issue (zero when it is not known; OrderIssue.DueOn).
	Due enforcement.Date
	// Text is an "evidence" entry's evidence as submitted, "" when it is
	// not known (EvidenceSubmission.Text).
	Text         string
	Hazard       *enforcement.Hazard
	Attachment   *enforcement.Attachment
	Verification *enforcement.Verification
	Extension    *enforcement.Extension
	Escalation   *enforcement.Escalation
}

// orderPage is the data of order.html.
type orderPage struct {
	Order *enforcement.RectificationOrder
	// Overdue is true once the due date has passed without evidence.
	Overdue  bool
	Timeline []timelineItem
	// Pending is the extension request waiting for the lead, if any.
	Pending *enforcement.Extension
	// The actions the viewer may take on the order now.
	CanEvidence, CanAttach, CanVerify, CanExtend, CanDecide, CanCancel bool
	// Conflict is the message of a form sent for a state the order has
	// left (a stale tab): shown above the actions, status 409.
	Conflict string
}

// handleOrderPage answers GET /orders/{id}: the order's timeline and the
// actions allowed to the viewer. Another department's order is the 404
// page.
func (s *Server) handleOrderPage(w http.ResponseWriter, r *http.Request) {
	s.showOrder(w, r, nil)
}

// showOrder renders the order page; f, when not nil, is a form that failed
// validation, shown with its values and messages (status 422).
func (s *Server) showOrder(w http.ResponseWriter, r *http.Request, f *form) {
	s.showOrderConflict(w, r, f, "")
}

// showOrderConflict renders the order page as it is now with conflict,
// when not "", the message of a form sent for a state the order has left:
// status 409, the typed values kept.
func (s *Server) showOrderConflict(w http.ResponseWriter, r *http.Request, f *form, conflict string) {
	p, err := s.orderPageData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	pg := page{Name: "order.html", Title: "order.title", Nav: "ledger", Data: p, Form: f}
	if f != nil {
		pg.Status = http.StatusUnprocessableEntity
	}
	if conflict != "" {
		p.Conflict, pg.Status = conflict, http.StatusConflict
		if f != nil {
			f.Message = ""
			clear(f.Errors)
		}
	}
	s.renderPage(w, r, pg)
}

// orderPageData reads the order, its hazards, files and history, and
// works out the viewer's actions.
func (s *Server) orderPageData(r *http.Request) (*orderPage, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	o, err := s.Rectifications.FindOrderByID(ctx, id)
	if err != nil {
		return nil, err
	}
	history, err := s.Supervision.FindOrderHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today := enforcement.DateOf(now.In(s.Location))
	p := &orderPage{Order: o, Overdue: orderOverdue(o, today)}
	if o.VisitID != 0 {
		// The hazards come with the visit; a viewer who may see the order
		// but not the visit sees the order's hazard numbers only.
		if v, err := s.Visits.FindVisitByID(ctx, o.VisitID); err == nil {
			for _, h := range v.Hazards {
				if slices.Contains(o.HazardIDs, h.ID) {
					p.Timeline = append(p.Timeline, timelineItem{At: h.FoundAt, Kind: "hazard", Hazard: h})
				}
			}
		} else if enforcement.ErrorCode(err) == enforcement.EINTERNAL {
			return nil, err
		}
	}
	for i := range o.Attachments {
		p.Timeline = append(p.Timeline, timelineItem{At: o.Attachments[i].CreatedAt, Kind: "attachment", Attachment: &o.Attachments[i]})
	}
	// The history holds the issue with its original due date and every
	// submission of evidence, which the order row no longer does.
	for _, h := range history {
		it := timelineItem{At: h.At, Kind: h.Kind, Verification: h.Verification, Extension: h.Extension, Escalation: h.Escalation}
		switch h.Kind {
		case enforcement.HistoryIssued:
			it.Due = h.Issue.DueOn
		case enforcement.HistoryEvidenceSubmitted:
			it.Kind, it.Text = "evidence", h.Evidence.Text
		case enforcement.HistoryExtensionRequested:
			if h.Extension.Status == enforcement.ExtensionPending {
				p.Pending = h.Extension
			}
		}
		p.Timeline = append(p.Timeline, it)
	}
	if o.ClosedAt != nil {
		p.Timeline = append(p.Timeline, timelineItem{At: *o.ClosedAt, Kind: "closed"})
	}
	slices.SortStableFunc(p.Timeline, func(a, b timelineItem) int { return a.At.Compare(b.At) })

	a := enforcement.ActorFromContext(ctx)
	own := a != nil && a.Department != "" && a.Department == o.Department
	inspector, lead := own && a.Has(enforcement.RoleInspector), own && a.Has(enforcement.RoleDeptLead)
	active := o.Status == enforcement.OrderOpen || o.Status == enforcement.OrderOverdue
	p.CanEvidence = (inspector || lead) && active
	p.CanAttach = (inspector || lead) && !o.Status.Closed()
	p.CanVerify = inspector && o.Status == enforcement.OrderSubmitted
	p.CanExtend = inspector && o.Status == enforcement.OrderOpen && !o.DueOn.Before(today) && p.Pending == nil
	p.CanDecide = lead && p.Pending != nil
	p.CanCancel = lead && !o.Status.Closed()
	return p, nil
}

// orderDone answers a successful action: back to the order with flash.
func orderDone(w http.ResponseWriter, r *http.Request, id int64, flash string) {
	redirectFlash(w, r, "/orders/"+strconv.FormatInt(id, 10), flash)
}

// orderFailed shows the order again with f's errors when err is the
// user's to fix, else the error page. A conflict (the order changed since
// the form was shown) answers 409 with the domain's message above the
// actions, the typed values kept.
func (s *Server) orderFailed(w http.ResponseWriter, r *http.Request, f *form, err error, aliases map[string]string) {
	if enforcement.ErrorCode(err) == enforcement.ECONFLICT {
		s.showOrderConflict(w, r, f, enforcement.ErrorMessageIn(err, s.langOf(r)))
		return
	}
	if err != nil && !f.Fail(err, s.langOf(r), aliases) {
		s.htmlError(w, r, err)
		return
	}
	s.showOrder(w, r, f)
}

// orderForAction reads the order of the path for one of its forms: the 404
// page for an order the viewer does not see, before anything else.
func (s *Server) orderForAction(w http.ResponseWriter, r *http.Request) (*enforcement.RectificationOrder, bool) {
	id, err := pathID(r)
	var o *enforcement.RectificationOrder
	if err == nil {
		o, err = s.Rectifications.FindOrderByID(r.Context(), id)
	}
	if err != nil {
		s.htmlError(w, r, err)
		return nil, false
	}
	return o, true
}

// orderInState reports whether o's status is one of ok; when it is not, it
// answers the order page as it is now with the localized conflict message
// msgID (the order's status as Status), status 409, f's values kept. A
// form from a stale tab so learns why nothing happened, whatever it
// holds.
func (s *Server) orderInState(w http.ResponseWriter, r *http.Request, f *form, o *enforcement.RectificationOrder, msgID string, ok ...enforcement.OrderStatus) bool {
	if slices.Contains(ok, o.Status) {
		return true
	}
	l := s.localizerFor(r)
	s.showOrderConflict(w, r, f, l.T(msgID, "Status", l.T("status."+string(o.Status))))
	return false
}

// orderActive are the statuses in which an order awaits rectification.
var orderActive = []enforcement.OrderStatus{enforcement.OrderOpen, enforcement.OrderOverdue}

// orderNotClosed are the statuses of an order not yet closed.
var orderNotClosed = []enforcement.OrderStatus{enforcement.OrderOpen, enforcement.OrderOverdue, enforcement.OrderSubmitted}

// handleOrderEvidenceForm answers POST /orders/{id}/evidence with the
// field evidence_text: the enterprise's evidence of rectification.
func (s *Server) handleOrderEvidenceForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderForAction(w, r)
	if !ok {
		return
	}
	f, ok := s.parsedForm(w, r)
	if !ok || !s.orderInState(w, r, f, o, "order.conflict.evidence", orderActive...) {
		return
	}
	if !f.Require(s.localizerFor(r).T("form.required"), "evidence_text") {
		s.showOrder(w, r, f)
		return
	}
	if _, err := s.Rectifications.SubmitEvidence(r.Context(), o.ID, &enforcement.EvidenceCreate{Text: f.Get("evidence_text")}); err != nil {
		s.orderFailed(w, r, f, err, map[string]string{"text": "evidence_text"})
		return
	}
	orderDone(w, r, o.ID, "order.flash.evidence")
}

// handleOrderAttachmentForm answers POST /orders/{id}/attachments, a
// multipart form with the field file: a JPEG, PNG or PDF of at most
// MaxAttachmentBytes.
func (s *Server) handleOrderAttachmentForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderForAction(w, r)
	if !ok || !s.orderInState(w, r, nil, o, "order.conflict.attach", orderNotClosed...) {
		return
	}
	l := s.localizerFor(r)
	f := &form{Errors: map[string]string{}}
	name, data, err := s.readUpload(w, r)
	var re *requestError
	switch {
	case errors.As(err, &re) && re.status == http.StatusRequestEntityTooLarge:
		f.Errors["file"] = l.T("order.err.file_size", "MiB", s.MaxAttachmentBytes>>20)
	case err != nil:
		f.Errors["file"] = l.T("order.err.file_missing")
	default:
		if _, ok := enforcement.SniffAttachmentType(data); !ok {
			f.Errors["file"] = l.T("order.err.file_type")
		}
	}
	if f.Failed() {
		s.showOrder(w, r, f)
		return
	}
	if _, err := s.Attachments.AddAttachment(r.Context(), o.ID, &enforcement.AttachmentCreate{Filename: name, Data: data}); err != nil {
		s.orderFailed(w, r, f, err, nil)
		return
	}
	orderDone(w, r, o.ID, "order.flash.attachment")
}

// handleOrderVerifyForm answers POST /orders/{id}/verify with the fields
// verify_result (pass or fail), verify_note, and for a failure the new due
// date as new_due_date (YYYY-MM-DD) or new_due_days (working days). A
// form for an order no longer awaiting verification answers 409 with why.
func (s *Server) handleOrderVerifyForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderForAction(w, r)
	if !ok {
		return
	}
	f, ok := s.parsedForm(w, r)
	if !ok || !s.orderInState(w, r, f, o, "order.conflict.verify", enforcement.OrderSubmitted) {
		return
	}
	l := s.localizerFor(r)
	if !f.Require(l.T("form.required"), "verify_result") {
		s.showOrder(w, r, f)
		return
	}
	passed := f.Get("verify_result") == "pass"
	c := enforcement.VerificationCreate{Passed: &passed, Note: strings.TrimSpace(f.Get("verify_note"))}
	if !passed {
		var ok bool
		if c.NewDue, ok = readDueRule(f, l, "new_due_date", "new_due_days"); !ok {
			s.showOrder(w, r, f)
			return
		}
	}
	if _, err := s.Rectifications.VerifyOrder(r.Context(), o.ID, &c); err != nil {
		s.orderFailed(w, r, f, err, map[string]string{"note": "verify_note", "passed": "verify_result",
			"due_date": "new_due_date", "due_working_days": "new_due_days", "new_due": "new_due_date",
			"new_due.due_date": "new_due_date", "new_due.due_working_days": "new_due_days"})
		return
	}
	if passed {
		orderDone(w, r, o.ID, "order.flash.verified")
		return
	}
	orderDone(w, r, o.ID, "order.flash.reopened")
}

// handleOrderExtensionForm answers POST /orders/{id}/extensions with the
// fields ext_reason and ext_due_date (YYYY-MM-DD, a working day).
func (s *Server) handleOrderExtensionForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderForAction(w, r)
	if !ok {
		return
	}
	f, ok := s.parsedForm(w, r)
	if !ok || !s.orderInState(w, r, f, o, "order.conflict.extend", enforcement.OrderOpen) {
		return
	}
	l := s.localizerFor(r)
	if !f.Require(l.T("form.required"), "ext_reason", "ext_due_date") {
		s.showOrder(w, r, f)
		return
	}
	d, err := enforcement.ParseDate(strings.TrimSpace(f.Get("ext_due_date")))
	if err != nil {
		f.Errors["ext_due_date"] = l.T("order.err.date")
		s.showOrder(w, r, f)
		return
	}
	if _, err := s.Extensions.RequestExtension(r.Context(), o.ID, &enforcement.ExtensionCreate{Reason: f.Get("ext_reason"), ProposedDueDate: d}); err != nil {
		s.orderFailed(w, r, f, err, map[string]string{"reason": "ext_reason", "proposed_due_date": "ext_due_date"})
		return
	}
	orderDone(w, r, o.ID, "order.flash.extension_requested")
}

// handleOrderExtensionDecision answers POST
// /orders/{id}/extensions/{ext}/approve and /refuse with the field
// decision_note, required to refuse. An extension that is not the order's
// is the 404 page, nothing changed; one decided already answers 409.
func (s *Server) handleOrderExtensionDecision(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o, ok := s.orderForAction(w, r)
		if !ok {
			return
		}
		id := o.ID
		extID, err := strconv.ParseInt(chi.URLParam(r, "ext"), 10, 64)
		var ext *enforcement.Extension
		if err == nil {
			ext, err = s.Extensions.FindExtensionByID(r.Context(), extID)
		}
		if err != nil || ext.RectificationOrderID != id {
			s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No such extension request of order %d.", id))
			return
		}
		f, ok := s.parsedForm(w, r)
		if !ok {
			return
		}
		if ext.Status != enforcement.ExtensionPending {
			l := s.localizerFor(r)
			s.showOrderConflict(w, r, f, l.T("order.conflict.decided", "Status", l.T("status."+string(ext.Status))))
			return
		}
		d := &enforcement.ExtensionDecision{Note: strings.TrimSpace(f.Get("decision_note"))}
		if approve {
			_, err = s.Extensions.ApproveExtension(r.Context(), extID, d)
		} else if f.Require(s.localizerFor(r).T("form.required"), "decision_note") {
			_, err = s.Extensions.RefuseExtension(r.Context(), extID, d)
		} else {
			s.showOrder(w, r, f)
			return
		}
		if err != nil {
			s.orderFailed(w, r, f, err, map[string]string{"note": "decision_note"})
			return
		}
		if approve {
			orderDone(w, r, id, "order.flash.extension_approved")
			return
		}
		orderDone(w, r, id, "order.flash.extension_refused")
	}
}

// handleOrderCancelForm answers POST /orders/{id}/cancel with the fields
// cancel_reason and confirm (the confirmation checkbox), both required.
func (s *Server) handleOrderCancelForm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderForAction(w, r)
	if !ok {
		return
	}
	f, ok := s.parsedForm(w, r)
	if !ok || !s.orderInState(w, r, f, o, "order.conflict.cancel", orderNotClosed...) {
		return
	}
	if !f.Require(s.localizerFor(r).T("form.required"), "cancel_reason", "confirm") {
		s.showOrder(w, r, f)
		return
	}
	if _, err := s.Rectifications.CancelOrder(r.Context(), o.ID, f.Get("cancel_reason")); err != nil {
		s.orderFailed(w, r, f, err, map[string]string{"reason": "cancel_reason"})
		return
	}
	orderDone(w, r, o.ID, "order.flash.cancelled")
}

// handleOrderDuePreview answers GET /orders/{id}/due?days=N (or
// new_due_days=N, as the verify form's field sends it under htmx): what a
// new due date N working days from today comes to, as a fragment.
func (s *Server) handleOrderDuePreview(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.orderForAction(w, r); !ok {
		return
	}
	s.renderDuePreview(w, r, "days", "new_due_days")
}
