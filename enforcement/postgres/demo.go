package postgres

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
)

// demoFiles holds the reference data of the demo: real departments,
// subdistricts and industry classes (see demodata/README.md).
//
//go:embed demodata/*.csv
var demoFiles embed.FS

// DemoEnterpriseCount is the number of enterprises LoadDemoData generates.
const DemoEnterpriseCount = 2400

// Fixed seeds of the demo's PCG generator, so that every run generates the
// same enterprises with the same credit codes.
const (
	demoSeed1 = 20261129
	demoSeed2 = 440303
)

// DemoSummary counts the rows LoadDemoData inserted; a second run counts
// zero everywhere.
type DemoSummary struct {
	Departments      int `json:"departments"`
	Subdistricts     int `json:"subdistricts"`
	Industries       int `json:"industries"`
	DepartmentRemits int `json:"department_remits"`
	Enterprises      int `json:"enterprises"`
	Inspectors       int `json:"inspectors"`
}

// LoadDemoData loads the demo data that `make run` shows, in one
// transaction:
//   - the six departments of DESIGN.md §2 (EMB, MSA, FIRE, HCB, EEB, UMB);
//   - the ten real subdistricts of 罗湖区, Shenzhen (440303001–440303010,
//     NBS division codes);
//   - 30 real GB/T 4754-2017 small classes that a district work-safety
//     office supervises, and a department × industry remit matrix in which
//     each class is covered by two to four departments;
//   - DemoEnterpriseCount enterprises, generated from a fixed seed: each has
//     a valid credit code (GB 32100-2015: 9 market supervision, 1 enterprise,
//     admin code 440303, a GB 11714 organisation code and the check
//     character), a name and an address in its subdistrict, one of the 30
//     industries, a risk grade (about 10% grade 1, 30% grade 2, 60% grade 3),
//     a contact, and for about one in five a last inspection in 2025–2026;
//   - an inspector roster per department (demoInsertRoster).
//
// Contact e-mails are at example.com (RFC 2606), so that reminders from a
// demo never reach a real mailbox.
//
// It is idempotent: rows that exist (by key, or by credit code) are left
// alone, so a second run inserts nothing.
func LoadDemoData(ctx context.Context, pool *pgxpool.Pool) (*DemoSummary, error) {
	ref, err := demoReadReference()
	if err != nil {
		return nil, err
	}
	enterprises := demoEnterprises(ref, DemoEnterpriseCount)

	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo data: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	s := &DemoSummary{}
	if err := demoInsertReference(ctx, tx, ref, s); err != nil {
		return nil, err
	}
	if err := demoInsertRoster(ctx, tx, s); err != nil {
		return nil, err
	}
	if err := importStage(ctx, tx, enterprises, nil); err != nil {
		return nil, err
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO enterprises (registry, registry_id, credit_code, name, address, subdistrict_code,
			industry_code, risk_grade, contact_name, contact_phone, contact_email, last_inspected_on)
		SELECT $1, credit_code, credit_code, name, address, subdistrict_code,
			industry_code, risk_grade, contact_name, contact_phone, contact_email, last_inspected_on
		FROM import_enterprises_stage
		ORDER BY line
		ON CONFLICT DO NOTHING`, enforcement.RegistryCreditCode)
	if err != nil {
		return nil, fmt.Errorf("demo data: insert enterprises: %w", err)
	}
	s.Enterprises = int(tag.RowsAffected())
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("demo data: commit: %w", err)
	}
	return s, nil
}

// demoReferenceData is the content of demodata/*.csv.
type demoReferenceData struct {
	Departments  []enforcement.Department
	Subdistricts []enforcement.Subdistrict
	Industries   []enforcement.Industry
	Remits       [][2]string // department code, industry code
}

// demoReadReference reads the embedded CSV files.
func demoReadReference() (*demoReferenceData, error) {
	ref := &demoReferenceData{}
	err := demoReadCSV("departments.csv", func(r map[string]string) {
		ref.Departments = append(ref.Departments, enforcement.Department{Code: r["code"], NameZH: r["name_zh"], NameEN: r["name_en"]})
	})
	if err == nil {
		err = demoReadCSV("subdistricts.csv", func(r map[string]string) {
			ref.Subdistricts = append(ref.Subdistricts, enforcement.Subdistrict{Code: r["code"], Name: r["name"]})
		})
	}
	if err == nil {
		err = demoReadCSV("industries.csv", func(r map[string]string) {
			ref.Industries = append(ref.Industries, enforcement.Industry{Code: r["code"], Name: r["name"]})
		})
	}
	if err == nil {
		err = demoReadCSV("department_remits.csv", func(r map[string]string) {
			ref.Remits = append(ref.Remits, [2]string{r["department_code"], r["industry_code"]})
		})
	}
	if err != nil {
		return nil, err
	}
	return ref, nil
}

// demoReadCSV calls fn with each row of an embedded CSV file, keyed by the
// header.
func demoReadCSV(name string, fn func(map[string]string)) error {
	f, err := demoFiles.Open("demodata/" + name)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("demo data: %s: %w", name, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("demo data: %s: %w", name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		fn(row)
	}
}

// demoInsertReference inserts departments, subdistricts, industries and
// remits that are not there yet, one set-based statement per table, and
// counts what it inserted.
func demoInsertReference(ctx context.Context, tx pgx.Tx, ref *demoReferenceData, s *DemoSummary) error {
	var codes, namesZH, namesEN []string
	for _, d := range ref.Departments {
		codes, namesZH, namesEN = append(codes, d.Code), append(namesZH, d.NameZH), append(namesEN, d.NameEN)
	}
	n, err := demoExec(ctx, tx, "departments", `
		INSERT INTO departments (code, name_zh, name_en)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
		ON CONFLICT (code) DO NOTHING`, codes, namesZH, namesEN)
	if err != nil {
		return err
	}
	s.Departments = n

	codes, names := []string{}, []string{}
	for _, sd := range ref.Subdistricts {
		codes, names = append(codes, sd.Code), append(names, sd.Name)
	}
	if s.Subdistricts, err = demoExec(ctx, tx, "subdistricts", `
		INSERT INTO subdistricts (code, name)
		SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (code) DO NOTHING`, codes, names); err != nil {
		return err
	}

	codes, names = []string{}, []string{}
	for _, in := range ref.Industries {
		codes, names = append(codes, in.Code), append(names, in.Name)
	}
	if s.Industries, err = demoExec(ctx, tx, "industries", `
		INSERT INTO industries (code, name)
		SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (code) DO NOTHING`, codes, names); err != nil {
		return err
	}

	depts, inds := []string{}, []string{}
	for _, r := range ref.Remits {
		depts, inds = append(depts, r[0]), append(inds, r[1])
	}
	s.DepartmentRemits, err = demoExec(ctx, tx, "department_remits", `
		INSERT INTO department_remits (department_code, industry_code)
		SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT DO NOTHING`, depts, inds)
	return err
}

func demoExec(ctx context.Context, tx pgx.Tx, table, sql string, args ...any) (int, error) {
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, fmt.Errorf("demo data: insert %s: %w", table, err)
	}
	return int(tag.RowsAffected()), nil
}

// demoIndustryWeights is how common each industry is among the demo's
// enterprises, relative to 1: Luohu is a commercial district, with many
// restaurants, shops and the 水贝 jewellery cluster, and few factories.
var demoIndustryWeights = map[string]int{
	"6210": 14, "6220": 12, "5245": 10, "5212": 6, "2438": 6, "5011": 5, "6121": 5, "5211": 4,
	"1411": 3, "4710": 3, "5920": 3, "6110": 3, "9013": 3,
	"2311": 2, "2319": 2, "4512": 2, "5169": 2, "5265": 2, "7222": 2, "9011": 2,
}

// demoIndustrySuffixes are the business words (行业表述) of company names
// per industry.
var demoIndustrySuffixes = map[string][]string{
	"1411": {"食品", "烘焙食品", "饼业"},
	"1432": {"食品", "冷冻食品"},
	"2110": {"家具", "木业"},
	"2311": {"印刷", "印务"},
	"2319": {"彩印", "包装印刷", "包装制品"},
	"2438": {"珠宝首饰", "黄金珠宝", "首饰"},
	"2641": {"涂料", "化工"},
	"2927": {"塑胶制品", "塑料制品"},
	"3311": {"钢结构工程", "钢构"},
	"3360": {"表面处理技术", "金属表面处理"},
	"3982": {"电路", "线路板"},
	"4511": {"燃气", "天然气"},
	"4512": {"液化气", "燃气供应"},
	"4710": {"建设工程", "建筑工程"},
	"5011": {"装饰工程", "建筑装饰设计工程"},
	"5162": {"石油化工", "能源"},
	"5169": {"化工", "化工贸易"},
	"5211": {"百货", "商业"},
	"5212": {"超市", "商贸"},
	"5245": {"珠宝", "黄金珠宝", "珠宝首饰"},
	"5265": {"石油", "能源发展"},
	"5920": {"仓储", "物流"},
	"5942": {"危险品仓储", "化工仓储"},
	"6110": {"酒店", "大酒店"},
	"6121": {"酒店管理", "商务酒店"},
	"6210": {"餐饮管理", "酒楼", "饮食"},
	"6220": {"快餐", "餐饮"},
	"7222": {"商业管理", "购物中心"},
	"9011": {"文化娱乐", "娱乐"},
	"9013": {"网络会所", "网络科技"},
}

// demoBrandChars make two-character trade names (字号).
var demoBrandChars = [2][]string{
	{"鸿", "盛", "华", "泰", "金", "鑫", "德", "信", "安", "嘉", "恒", "宏", "瑞", "祥", "凯", "丰", "隆", "兴", "达", "源", "永", "福", "利", "通", "佳", "和", "新", "合", "正", "宝"},
	{"盛", "发", "达", "丰", "昌", "顺", "源", "利", "泰", "祥", "隆", "兴", "辉", "晟", "宇", "润", "诚", "豪", "邦", "创", "川", "锦", "阳", "海", "业", "康", "城", "峰", "景", "晖"},
}

// demoRoads are streets of each subdistrict, for addresses.
var demoRoads = map[string][]string{
	"440303001": {"深南东路", "解放路", "宝安南路", "红宝路", "桂园路"},
	"440303002": {"黄贝路", "深南东路", "凤凰路", "新秀路", "沿河南路"},
	"440303003": {"东门中路", "人民北路", "湖贝路", "立新路", "新园路"},
	"440303004": {"翠竹路", "太白路", "田贝一路", "水贝一路", "贝丽北路"},
	"440303005": {"人民南路", "建设路", "嘉宾路", "和平路", "春风路"},
	"440303006": {"笋岗路", "宝安北路", "洪湖路", "笋岗东路", "梨园路"},
	"440303007": {"爱国路", "布心路", "太宁路", "东湖路", "沿河北路"},
	"440303008": {"国威路", "罗沙路", "聚宝路", "畔山路", "鹏兴路"},
	"440303009": {"东晓路", "布心路", "金稻田路", "独树路", "东昌路"},
	"440303010": {"清水河一路", "清水河二路", "清水河三路", "泥岗西路", "草埔西路"},
}

var (
	demoSurnames    = []string{"陈", "李", "张", "黄", "林", "王", "刘", "吴", "杨", "郑", "谢", "罗", "何", "周", "梁", "邓", "曾", "许", "蔡", "赖"}
	demoGivenNames  = []string{"伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "晓燕", "海燕", "丽华", "国强", "俊杰", "嘉欣", "子豪", "文杰", "思敏", "伟明", "少华"}
	demoMobilePfxes = []string{"135", "136", "137", "138", "139", "150", "152", "158", "159", "180", "186", "188", "189"}
)

// demoEnterprises generates n enterprises from the fixed seed. It iterates
// slices only, never maps, so that the same seed gives the same rows.
func demoEnterprises(ref *demoReferenceData, n int) []*enforcement.Enterprise {
	rng := rand.New(rand.NewPCG(demoSeed1, demoSeed2))

	var industryPool []enforcement.Industry // each industry repeated by weight
	for _, in := range ref.Industries {
		w := demoIndustryWeights[in.Code]
		if w == 0 {
			w = 1
		}
		for range w {
			industryPool = append(industryPool, in)
		}
	}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }

	// Last inspections fall on weekdays from 2025-01-02 to 2026-11-27.
	firstInspection := enforcement.MustParseDate("2025-01-02")
	inspectionDays := firstInspection.DaysUntil(enforcement.MustParseDate("2026-11-27")) + 1

	codes, names := map[string]bool{}, map[string]bool{}
	enterprises := make([]*enforcement.Enterprise, 0, n)
	for i := 0; i < n; i++ {
		code := demoCreditCode(rng)
		for codes[code] {
			code = demoCreditCode(rng)
		}
		codes[code] = true

		sd := ref.Subdistricts[rng.IntN(len(ref.Subdistricts))]
		in := industryPool[rng.IntN(len(industryPool))]
		var name string
		for {
			brand := pick(demoBrandChars[0]) + pick(demoBrandChars[1])
			name = "深圳市罗湖区" + brand + pick(demoIndustrySuffixes[in.Code]) + "有限公司"
			if !names[name] {
				break
			}
		}
		names[name] = true

		grade := enforcement.RiskLow
		switch r := rng.IntN(100); {
		case r < 10:
			grade = enforcement.RiskHigh
		case r < 40:
			grade = enforcement.RiskMedium
		}

		var last *enforcement.Date
		if rng.IntN(5) == 0 {
			d := firstInspection.AddDays(rng.IntN(inspectionDays))
			for !(enforcement.WeekdayCalendar{}).IsWorkingDay(d) {
				d = d.AddDays(-1)
			}
			last = &d
		}

		enterprises = append(enterprises, &enforcement.Enterprise{
			Registry:        enforcement.RegistryCreditCode,
			RegistryID:      code,
			CreditCode:      code,
			Name:            name,
			Address:         fmt.Sprintf("深圳市罗湖区%s%s%d号", sd.Name, pick(demoRoads[sd.Code]), 1+rng.IntN(300)),
			Subdistrict:     sd.Code,
			Industry:        in.Code,
			RiskGrade:       grade,
			ContactName:     pick(demoSurnames) + pick(demoGivenNames),
			ContactPhone:    fmt.Sprintf("%s%08d", pick(demoMobilePfxes), rng.IntN(100_000_000)),
			ContactEmail:    fmt.Sprintf("anquan%04d@example.com", i+1),
			LastInspectedOn: last,
		})
	}
	return enterprises
}

// demoCreditCodeAlphabet is the alphabet of GB 32100-2015 (no I, O, S, V,
// Z), from which the free characters of an organisation code are drawn.
const demoCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// demoCreditCode returns a valid unified social credit code of a Luohu
// enterprise, per GB 32100-2015: registration department 9 (market
// supervision), entity type 1 (enterprise), admin code 440303, a
// nine-character organisation code, and the check character. The
// organisation code has the shape of those issued since 2015 in Shenzhen,
// "MA5" and five characters, and ends in its own GB 11714-1997 check
// character, as the real codes in enforcement/testdata do.
func demoCreditCode(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("MA5")
	for range 5 {
		b.WriteByte(demoCreditCodeAlphabet[rng.IntN(len(demoCreditCodeAlphabet))])
	}
	org := b.String()
	body := "91440303" + org + string(demoOrgCodeCheckChar(org))
	check, err := enforcement.CreditCodeCheckChar(body)
	if err != nil {
		panic(err) // the body is built from the alphabet; cannot happen
	}
	return body + string(check)
}

// demoOrgCodeWeights are the weights of GB 11714-1997 (组织机构代码).
var demoOrgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// demoOrgCodeCheckChar returns the GB 11714-1997 check character of an
// eight-character organisation code body: digits count as their value,
// letters A–Z as 10–35; C9 = 11 − (Σ value×weight mod 11), with 10 written
// X and 11 written 0.
func demoOrgCodeCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * demoOrgCodeWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
