package devidp

import (
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// loginPage serves GET /login/username?authRequestID=…: the list of demo
// users, a button each. With a login_hint naming a user, it signs that user
// in at once.
func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	hint, ok := p.storage.loginHint(id)
	if !ok {
		p.renderLogin(w, http.StatusBadRequest, id, "登录请求已过期或不存在，请从应用重新登录。 The sign-in request expired or is unknown; start again from the application.")
		return
	}
	if _, known := p.storage.byUsername[hint]; known {
		p.completeLogin(w, r, id, hint)
		return
	}
	p.renderLogin(w, http.StatusOK, id, "")
}

// login serves POST /login/username with the form fields id (the auth
// request id) and username.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.renderLogin(w, http.StatusBadRequest, "", "Bad form: "+err.Error())
		return
	}
	p.completeLogin(w, r, r.PostForm.Get("id"), r.PostForm.Get("username"))
}

// completeLogin signs username in for the auth request id and sends the
// browser back to the op, which redirects it to the client with a code.
func (p *Provider) completeLogin(w http.ResponseWriter, r *http.Request, id, username string) {
	if err := p.storage.completeLogin(id, username); err != nil {
		p.renderLogin(w, http.StatusBadRequest, id, err.Error())
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), p.issuer)
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(ctx, id), http.StatusFound)
}

func (p *Provider) renderLogin(w http.ResponseWriter, status int, id, message string) {
	users := make([]loginUser, 0, len(p.storage.byUsername))
	for _, u := range p.storage.usersInOrder() {
		zh, en := describeGroups(u.Groups)
		users = append(users, loginUser{Username: u.Username, Name: u.Name, RoleZH: zh, RoleEN: en})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	err := loginTemplate.Execute(w, struct {
		ID, Action, Error string
		Users             []loginUser
	}{ID: id, Action: p.prefix + "/login/username", Error: message, Users: users})
	if err != nil {
		slog.Error("devidp: render login page", "err", err)
	}
}

type loginUser struct {
	Username, Name, RoleZH, RoleEN string
}

// describeGroups turns groups entries into a role label in Chinese and in
// English, e.g. "应急管理局 · 部门负责人" and
// "Emergency Management (EMB) · department lead".
func describeGroups(groups []string) (zh, en string) {
	var zhs, ens []string
	for _, g := range groups {
		parts := strings.Split(g, ":")
		switch {
		case len(parts) == 2 && parts[0] == "role":
			zhs = append(zhs, roleLabels[parts[1]][0])
			ens = append(ens, roleLabels[parts[1]][1])
		case len(parts) == 3 && parts[0] == "dept":
			deptZH, deptEN := parts[1], parts[1]
			for _, d := range demoDepartments {
				if d.code == parts[1] {
					deptZH, deptEN = d.nameZH, d.nameEN+" ("+d.code+")"
				}
			}
			zhs = append(zhs, deptZH+" · "+roleLabels[parts[2]][0])
			ens = append(ens, deptEN+" · "+roleLabels[parts[2]][1])
		}
	}
	return strings.Join(zhs, "，"), strings.Join(ens, ", ")
}

var roleLabels = map[string][2]string{
	"coordinator": {"联合执法办公室协调员", "coordinator"},
	"auditor":     {"纪检监督", "auditor"},
	"admin":       {"系统管理员", "administrator"},
	"leadership":  {"区领导", "district leadership"},
	"dept_lead":   {"部门负责人", "department lead"},
	"inspector":   {"执法人员", "inspector"},
}

// loginTemplate is one form with a submit button per user; the button's
// name/value pair carries the username.
var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>开发用登录 · Development sign-in</title>
<style>
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.warn { background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .75rem; }
.error { background: #fde2e1; border: 1px solid #d9534f; padding: .5rem .75rem; }
button { display: block; width: 100%; text-align: left; margin: .4rem 0; padding: .5rem .75rem; font: inherit; cursor: pointer; background: #f6f8fa; border: 1px solid #ccd; border-radius: 4px; }
button:hover { background: #e8eef6; }
small { color: #555; }
</style>
</head>
<body>
<h1>选择演示用户登录 <small>Sign in as a demo user</small></h1>
<p class="warn">仅用于开发和测试，无需密码。 For development and tests only: no password.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .ID}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="id" value="{{.ID}}">
{{range .Users}}<button type="submit" name="username" value="{{.Username}}"><strong>{{.Name}}</strong> · {{.RoleZH}}<br><small>{{.Username}} — {{.RoleEN}}</small></button>
{{end}}</form>
{{end}}
</body>
</html>
`))
