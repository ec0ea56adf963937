package auth_test

import (
	"slices"
	"testing"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/enforcement"
)

func TestActorFromClaims(t *testing.T) {
	t.Parallel()

	const issuer = "https://idp.example"
	groups := func(g ...any) map[string]any { return map[string]any{"groups": g} }

	tests := []struct {
		name        string
		subject     string
		claims      map[string]any
		groupsClaim string
		wantDept    string
		wantRoles   []enforcement.Role
		wantErr     string // the error code, or "" for none
	}{
		{name: "dept lead", claims: groups("dept:EMB:dept_lead"), wantDept: "EMB", wantRoles: []enforcement.Role{enforcement.RoleDeptLead}},
		{name: "lead alias", claims: groups("dept:EMB:lead"), wantDept: "EMB", wantRoles: []enforcement.Role{enforcement.RoleDeptLead}},
		{name: "inspector", claims: groups("dept:FIRE:inspector"), wantDept: "FIRE", wantRoles: []enforcement.Role{enforcement.RoleInspector}},
		{name: "lead and inspector of one department", claims: groups("dept:MSA:inspector", "dept:MSA:dept_lead"), wantDept: "MSA",
			wantRoles: []enforcement.Role{enforcement.RoleDeptLead, enforcement.RoleInspector}},
		{name: "lower-case code", claims: groups("dept:hcb:inspector"), wantDept: "HCB", wantRoles: []enforcement.Role{enforcement.RoleInspector}},
		{name: "district roles", claims: groups("role:leadership", "role:coordinator", "role:auditor", "role:admin"),
			wantRoles: []enforcement.Role{enforcement.RoleCoordinator, enforcement.RoleAuditor, enforcement.RoleAdmin, enforcement.RoleLeadership}},
		{name: "duplicates", claims: groups("role:admin", "role:admin"), wantRoles: []enforcement.Role{enforcement.RoleAdmin}},
		{name: "unknown entries ignored", claims: groups("staff", "role:superuser", "role:dept_lead", "dept:EMB", "dept:EMB:clerk", "dept::inspector",
			"dept:E M B:inspector", "x:y:z", 42, "role:auditor"), wantRoles: []enforcement.Role{enforcement.RoleAuditor}},
		{name: "no groups claim", claims: map[string]any{"name": "x"}},
		{name: "groups as []string", claims: map[string]any{"groups": []string{"dept:EMB:inspector"}}, wantDept: "EMB", wantRoles: []enforcement.Role{enforcement.RoleInspector}},
		{name: "groups as one string", claims: map[string]any{"groups": "dept:EMB:inspector, role:coordinator"}, wantDept: "EMB",
			wantRoles: []enforcement.Role{enforcement.RoleCoordinator, enforcement.RoleInspector}},
		{name: "groups not a list", claims: map[string]any{"groups": 7}},
		{name: "custom claim name", claims: map[string]any{"jointops_roles": []any{"role:coordinator"}, "groups": []any{"role:admin"}},
			groupsClaim: "jointops_roles", wantRoles: []enforcement.Role{enforcement.RoleCoordinator}},
		{name: "two departments", claims: groups("dept:EMB:inspector", "dept:MSA:inspector"), wantErr: enforcement.EINVALID},
		{name: "no subject", subject: "-", claims: groups("role:admin"), wantErr: enforcement.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			subject := "u-1"
			if tt.subject == "-" {
				subject = ""
			}
			a, err := auth.ActorFromClaims(issuer, subject, tt.claims, tt.groupsClaim)
			if code := enforcement.ErrorCode(err); code != tt.wantErr {
				t.Fatalf("err = %v, want code %q", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if a.Issuer != issuer || a.Subject != subject || a.Department != tt.wantDept || !slices.Equal(a.Roles, tt.wantRoles) {
				t.Errorf("actor %+v, want department %q and roles %v", a, tt.wantDept, tt.wantRoles)
			}
		})
	}
}

func TestActorFromClaims_Profile(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name                          string
		claims                        map[string]any
		wantName, wantEmail, wantLang string
	}{
		{"name and email", map[string]any{"name": "王建国", "email": "emb-lead@jointops.test"}, "王建国", "emb-lead@jointops.test", "zh"},
		{"preferred_username when no name", map[string]any{"preferred_username": "emb-lead"}, "emb-lead", "", "zh"},
		{"English locale", map[string]any{"name": "Wang", "locale": "en-GB"}, "Wang", "", "en"},
		{"Chinese locale", map[string]any{"locale": "zh-CN"}, "", "", "zh"},
		{"claims of the wrong type", map[string]any{"name": 1, "email": true}, "", "", "zh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := auth.ActorFromClaims("https://idp.example", "u-1", tt.claims, "")
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != tt.wantName || a.Email != tt.wantEmail || a.Language != tt.wantLang {
				t.Errorf("actor %+v", a)
			}
		})
	}
}
