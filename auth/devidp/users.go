package devidp

// User is a demo user of the development provider. Groups holds the entries
// of the "groups" claim, e.g. "dept:EMB:dept_lead" or "role:coordinator".
type User struct {
	Subject  string
	Username string
	Name     string
	Email    string
	Groups   []string
}

// DemoUsers returns the demo users: a coordinator, an auditor, an admin,
// district leadership, and for each of the departments EMB (应急管理局), MSA
// (市场监管局), FIRE (消防救援) and HCB (住建局) a lead and two inspectors
// (emb-lead, emb-inspector1, emb-inspector2, …). Subjects are stable
// ("u-emb-lead") so that user rows survive a restart of the provider.
func DemoUsers() []User {
	users := []User{
		demoUser("coordinator", "张伟", "role:coordinator"),
		demoUser("auditor", "刘芳", "role:auditor"),
		demoUser("admin", "陈明", "role:admin"),
		demoUser("leadership", "赵志强", "role:leadership"),
	}
	for _, d := range demoDepartments {
		users = append(users,
			demoUser(d.prefix+"-lead", d.names[0], "dept:"+d.code+":dept_lead"),
			demoUser(d.prefix+"-inspector1", d.names[1], "dept:"+d.code+":inspector"),
			demoUser(d.prefix+"-inspector2", d.names[2], "dept:"+d.code+":inspector"),
		)
	}
	return users
}

// demoDepartments are the departments of the demo users, with the names of
// their lead and two inspectors.
var demoDepartments = []struct {
	code, prefix   string
	nameZH, nameEN string
	names          [3]string
}{
	{"EMB", "emb", "应急管理局", "Emergency Management", [3]string{"王建国", "李娜", "孙强"}},
	{"MSA", "msa", "市场监管局", "Market Supervision", [3]string{"周丽华", "吴磊", "郑洁"}},
	{"FIRE", "fire", "消防救援", "Fire and Rescue", [3]string{"冯刚", "何勇", "马超"}},
	{"HCB", "hcb", "住建局", "Housing and Construction", [3]string{"黄海燕", "林涛", "高静"}},
}

func demoUser(username, name string, groups ...string) User {
	return User{
		Subject:  "u-" + username,
		Username: username,
		Name:     name,
		Email:    username + "@jointops.test",
		Groups:   groups,
	}
}
