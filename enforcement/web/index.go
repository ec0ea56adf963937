package web

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/enforcement"
)

// pageTaskLimit bounds the tasks shown on the page; the full list is a
// later issue.
const pageTaskLimit = 50

// indexPage is the data of index.html.
type indexPage struct {
	Actor         *enforcement.Actor
	Today         enforcement.Date
	Tasks         []taskRow
	Notifications []noteRow
}

// taskRow is a pending task with its countdown to the acceptance due date.
type taskRow struct {
	*enforcement.Task
	// DueInWorkingDays counts the working days from today to the due date.
	DueInWorkingDays int
	// Overdue is true once the acceptance deadline has passed.
	Overdue bool
}

// noteRow is an unread notification with its time in the district's zone.
type noteRow struct {
	*enforcement.Notification
	At time.Time
}

// handleIndex answers GET /: a sign-in link for a visitor; for a signed-in
// actor, who they are, the pending tasks they may see (their own
// department's, or every department's for a coordinator) and their unread
// notifications.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	a := enforcement.ActorFromContext(r.Context())
	if a == nil {
		s.render(w, r, "index.html", indexPage{})
		return
	}
	now := s.now()
	page := indexPage{Actor: a, Today: enforcement.DateOf(now.In(s.Location))}
	pending := enforcement.TaskPending
	tasks, err := s.Tasks.FindTasks(r.Context(), enforcement.TaskFilter{Status: &pending, Limit: pageTaskLimit})
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, t := range tasks {
		page.Tasks = append(page.Tasks, taskRow{Task: t,
			DueInWorkingDays: enforcement.WorkingDaysBetween(s.Calendar, page.Today, t.AcceptanceDueOn),
			Overdue:          !now.Before(t.AcceptanceDueAt),
		})
	}
	notes, err := s.Inbox.FindNotifications(r.Context(), enforcement.NotificationFilter{UnreadOnly: true, Limit: 20})
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, n := range notes {
		page.Notifications = append(page.Notifications, noteRow{Notification: n, At: n.CreatedAt.In(s.Location)})
	}
	s.render(w, r, "index.html", page)
}
