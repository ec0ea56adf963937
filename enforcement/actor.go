package enforcement

import (
	"context"
	"slices"
)

// Role is what a person may do in jointops (DESIGN.md §1).
type Role string

// The roles. A dept_lead and an inspector belong to one department; the
// others act across departments.
const (
	RoleCoordinator Role = "coordinator"
	RoleDeptLead    Role = "dept_lead"
	RoleInspector   Role = "inspector"
	RoleAuditor     Role = "auditor"
	RoleAdmin       Role = "admin"
	// RoleLeadership is district leadership: it receives listed-supervision
	// (挂牌督办) escalations and reads like an auditor.
	RoleLeadership Role = "leadership"
)

// ValidRole reports whether r is one of the known roles.
func ValidRole(r Role) bool {
	switch r {
	case RoleCoordinator, RoleDeptLead, RoleInspector, RoleAuditor, RoleAdmin, RoleLeadership:
		return true
	}
	return false
}

// Actor is the signed-in person on whose behalf a service call runs. Issuer
// and Subject are the OIDC identity; Department is a department code such
// as "EMB", empty for district-wide roles. UserID is the row in users, set by
// the store once the actor is known to it.
type Actor struct {
	UserID     int64  `json:"user_id"`
	Issuer     string `json:"-"`
	Subject    string `json:"subject"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Department string `json:"department"`
	Roles      []Role `json:"roles"`
	// Language is "zh" (the default) or "en".
	Language string `json:"language"`
}

// Has reports whether the actor holds role r.
func (a *Actor) Has(r Role) bool { return a != nil && slices.Contains(a.Roles, r) }

// ReadsAll reports whether the actor reads every department's records:
// coordinators, auditors, district leadership and admins.
func (a *Actor) ReadsAll() bool {
	return a.Has(RoleCoordinator) || a.Has(RoleAuditor) || a.Has(RoleLeadership) || a.Has(RoleAdmin)
}

type actorContextKey struct{}

// NewContextWithActor returns a copy of ctx that carries a.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorContextKey{}, a)
}

// ActorFromContext returns the actor in ctx, or nil when nobody signed in.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorContextKey{}).(*Actor)
	return a
}

// RequireActor returns the actor in ctx, or EUNAUTHORIZED.
func RequireActor(ctx context.Context) (*Actor, error) {
	a := ActorFromContext(ctx)
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	return a, nil
}

// RequireRole returns the actor in ctx when it holds one of roles,
// EUNAUTHORIZED when nobody signed in, and EFORBIDDEN otherwise.
func RequireRole(ctx context.Context, roles ...Role) (*Actor, error) {
	a, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if a.Has(r) {
			return a, nil
		}
	}
	return nil, Errorf(EFORBIDDEN, "This needs the role %v.", roles)
}
