package enforcement

import "context"

// Name returns the department's name in lang ("zh" or "en"; Chinese for
// anything else).
func (d Department) Name(lang string) string {
	if lang == "en" && d.NameEN != "" {
		return d.NameEN
	}
	return d.NameZH
}

// ReferenceService reads the reference lists the forms offer: departments,
// subdistricts and industries, each ordered by code. Every signed-in actor
// may read them; EUNAUTHORIZED otherwise.
type ReferenceService interface {
	FindDepartments(ctx context.Context) ([]Department, error)
	FindSubdistricts(ctx context.Context) ([]Subdistrict, error)
	FindIndustries(ctx context.Context) ([]Industry, error)
}
