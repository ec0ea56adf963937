package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/jointops/jointops/enforcement"
)

// inboxLimit bounds each list of the inbox; older items are a page away.
const inboxLimit = 50

// inboxPage is the data of inbox.html.
type inboxPage struct {
	// Pending are the tasks waiting for acceptance that the viewer may
	// see: their own department's, or every department's for a
	// coordinator; one page of inboxLimit of them, in the store's order
	// (soonest visit first) so that the pages follow on from each other.
	Pending []*enforcement.Task
	// TasksPage is the page of Pending shown, from 1 (the query's
	// tasks_page); PendingFrom and PendingTo are the positions of its first
	// and last task among all, from 1; PendingMore is true when a later
	// page holds more.
	TasksPage              int
	PendingFrom, PendingTo int
	PendingMore            bool
	// Assigned are the accepted tasks the viewer is an inspector on,
	// soonest visit first.
	Assigned []*enforcement.Task
	// Notifications are the newest first; Unread counts the unread ones
	// among them.
	Notifications []*enforcement.Notification
	Unread        int
	// Older is the before_id of the next page of notifications, or 0.
	Older int64
}

// handleInbox answers GET /: the viewer's inbox.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := enforcement.ActorFromContext(ctx)
	var p inboxPage
	if a.Has(enforcement.RoleDeptLead) || a.Has(enforcement.RoleCoordinator) {
		pending := enforcement.TaskPending
		p.TasksPage = tasksPage(r.URL.Query().Get("tasks_page"))
		offset := (p.TasksPage - 1) * inboxLimit
		// One more than a page, to know whether another page follows.
		tasks, err := s.Tasks.FindTasks(ctx, enforcement.TaskFilter{Status: &pending, Limit: inboxLimit + 1, Offset: offset})
		if err != nil {
			s.htmlError(w, r, err)
			return
		}
		if len(tasks) > inboxLimit {
			tasks, p.PendingMore = tasks[:inboxLimit], true
		}
		p.Pending = tasks
		if len(tasks) > 0 {
			p.PendingFrom, p.PendingTo = offset+1, offset+len(tasks)
		}
	}
	if a.Has(enforcement.RoleInspector) {
		roster, err := s.Roster.FindInspectorRoster(ctx, a.Department)
		if err != nil {
			s.htmlError(w, r, err)
			return
		}
		mine := map[int64]bool{}
		for _, in := range roster {
			if in.UserID != nil && *in.UserID == a.UserID {
				mine[in.ID] = true
			}
		}
		for _, st := range []enforcement.TaskStatus{enforcement.TaskAccepted, enforcement.TaskInProgress} {
			tasks, err := s.Tasks.FindTasks(ctx, enforcement.TaskFilter{Status: &st, Department: &a.Department, Limit: 500})
			if err != nil {
				s.htmlError(w, r, err)
				return
			}
			for _, t := range tasks {
				if slices.ContainsFunc(t.Inspectors, func(u enforcement.UserRef) bool { return mine[u.ID] }) {
					p.Assigned = append(p.Assigned, t)
				}
			}
		}
		slices.SortStableFunc(p.Assigned, func(x, y *enforcement.Task) int { return x.ScheduledOn.UTC().Compare(y.ScheduledOn.UTC()) })
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before_id"), 10, 64)
	notes, err := s.Inbox.FindNotifications(ctx, enforcement.NotificationFilter{BeforeID: before, Limit: inboxLimit})
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	p.Notifications = notes
	for _, n := range notes {
		if n.ReadAt == nil {
			p.Unread++
		}
	}
	if len(notes) == inboxLimit {
		p.Older = notes[len(notes)-1].ID
	}
	s.renderPage(w, r, page{Name: "inbox.html", Title: "inbox.title", Nav: "inbox", Data: p})
}

// maxTasksPage bounds the tasks_page of the inbox.
const maxTasksPage = 100000

// tasksPage reads the inbox's tasks_page: a page number from 1; anything
// else is the first page.
func tasksPage(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxTasksPage)
}

// handleInboxRead answers POST /notifications/{id}/read: marks one
// notification read and goes where it points (the form field go, a local
// path), or back to the inbox.
func (s *Server) handleInboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if err := s.Inbox.MarkNotificationRead(r.Context(), id); err != nil {
		s.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(r.PostFormValue("go")), http.StatusSeeOther)
}

// handleInboxReadAll answers POST /notifications/read-all.
func (s *Server) handleInboxReadAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Inbox.MarkAllNotificationsRead(r.Context()); err != nil {
		s.htmlError(w, r, err)
		return
	}
	redirectFlash(w, r, "/", "inbox.all_read")
}

// subjectPath is the page a notification about kind/id points to.
func subjectPath(kind enforcement.SubjectKind, id int64) string {
	n := strconv.FormatInt(id, 10)
	switch kind {
	case enforcement.SubjectTask:
		return "/tasks/" + n
	case enforcement.SubjectOperation:
		return "/operations/" + n
	case enforcement.SubjectRectificationOrder, enforcement.SubjectVerification:
		return "/orders/" + n
	case enforcement.SubjectVisit:
		return "/visits/" + n
	}
	return "/"
}
