package enforcement

// Department is a government department that takes part in joint
// enforcement (部门), keyed by a short code such as "EMB".
type Department struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// Subdistrict is a subdistrict (街道) of the district, keyed by its
// nine-digit administrative code (e.g. 440303001 桂园街道, Luohu).
type Subdistrict struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Industry is a GB/T 4754-2017 industry class (行业), keyed by its code
// (e.g. "3311" 金属结构制造).
type Industry struct {
	Code string `json:"code"`
	Name string `json:"name"`
}
