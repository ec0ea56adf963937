package auth

import (
	"slices"
	"strings"

	"github.com/jointops/jointops/enforcement"
)

// ActorFromClaims maps the claims of an ID token (or a session made from
// one) to an actor. issuer and subject are the OIDC identity.
//
// The department and roles come from the claim named groupsClaim ("groups"
// when empty), a JSON array of strings (a single string of entries separated
// by commas or spaces is accepted too). Each entry is one of:
//
//	dept:<CODE>:dept_lead   lead of department CODE, e.g. dept:EMB:dept_lead
//	dept:<CODE>:lead        the same
//	dept:<CODE>:inspector   inspector of department CODE
//	role:coordinator        joint-enforcement office staff
//	role:auditor            discipline and supervision staff
//	role:admin              system administrator
//	role:leadership         district leadership
//
// CODE is a department code of letters, digits, '_' or '-'; it is
// upper-cased. Entries in any other form are ignored, so a provider may send
// unrelated groups. A person belongs to at most one department: entries
// naming two departments are an EINVALID error. An actor may hold no role;
// handlers then refuse what needs one.
//
// Name comes from the "name" claim (else "preferred_username"), Email from
// "email", and Language is "en" when the "locale" claim starts with "en",
// else "zh". Subject must not be empty (EINVALID).
func ActorFromClaims(issuer, subject string, claims map[string]any, groupsClaim string) (*enforcement.Actor, error) {
	if subject == "" {
		return nil, enforcement.Errorf(enforcement.EINVALID, "The identity provider sent no subject (sub).")
	}
	if groupsClaim == "" {
		groupsClaim = DefaultGroupsClaim
	}
	a := &enforcement.Actor{
		Issuer:   issuer,
		Subject:  subject,
		Name:     stringClaim(claims, "name"),
		Email:    stringClaim(claims, "email"),
		Language: "zh",
	}
	if a.Name == "" {
		a.Name = stringClaim(claims, "preferred_username")
	}
	if strings.HasPrefix(strings.ToLower(stringClaim(claims, "locale")), "en") {
		a.Language = "en"
	}

	held := map[enforcement.Role]bool{}
	for _, entry := range stringsClaim(claims[groupsClaim]) {
		dept, role, ok := parseGroup(entry)
		if !ok {
			continue
		}
		if dept != "" {
			if a.Department != "" && a.Department != dept {
				return nil, enforcement.Errorf(enforcement.EINVALID,
					"The %q claim puts %s in two departments, %s and %s; a person belongs to one department in jointops.",
					groupsClaim, subject, a.Department, dept)
			}
			a.Department = dept
		}
		held[role] = true
	}
	for _, r := range roleOrder {
		if held[r] {
			a.Roles = append(a.Roles, r)
		}
	}
	return a, nil
}

// roleOrder is the order of Actor.Roles.
var roleOrder = []enforcement.Role{
	enforcement.RoleCoordinator,
	enforcement.RoleDeptLead,
	enforcement.RoleInspector,
	enforcement.RoleAuditor,
	enforcement.RoleAdmin,
	enforcement.RoleLeadership,
}

// parseGroup parses one groups entry; ok is false for an entry that is not
// ours.
func parseGroup(entry string) (dept string, role enforcement.Role, ok bool) {
	parts := strings.Split(strings.TrimSpace(entry), ":")
	switch {
	case len(parts) == 2 && parts[0] == "role":
		switch r := enforcement.Role(parts[1]); r {
		case enforcement.RoleCoordinator, enforcement.RoleAuditor, enforcement.RoleAdmin, enforcement.RoleLeadership:
			return "", r, true
		}
	case len(parts) == 3 && parts[0] == "dept" && validDepartmentCode(parts[1]):
		dept = strings.ToUpper(parts[1])
		switch parts[2] {
		case "dept_lead", "lead":
			return dept, enforcement.RoleDeptLead, true
		case "inspector":
			return dept, enforcement.RoleInspector, true
		}
	}
	return "", "", false
}

func validDepartmentCode(code string) bool {
	if code == "" || len(code) > 32 {
		return false
	}
	for _, c := range code {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// stringsClaim returns the strings in a claim that is a JSON array, or a
// string of entries separated by commas or spaces.
func stringsClaim(v any) []string {
	switch v := v.(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	return nil
}

// rolesValid reports whether every role is known; a session cookie with an
// unknown role is from another version and is dropped.
func rolesValid(roles []enforcement.Role) bool {
	return !slices.ContainsFunc(roles, func(r enforcement.Role) bool { return !enforcement.ValidRole(r) })
}
