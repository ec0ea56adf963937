package enforcement

import (
	"errors"
	"fmt"
)

// Error codes carried by *Error. The web adapter maps each code to one HTTP
// status in a single function.
const (
	EINVALID      = "invalid"      // the input breaks a rule; the message says which
	ENOTFOUND     = "not_found"    // no such thing, or not visible to the actor
	ECONFLICT     = "conflict"     // the thing is in a state that forbids the change
	EFORBIDDEN    = "forbidden"    // the actor may see the thing but not change it
	EUNAUTHORIZED = "unauthorized" // no signed-in actor
	EINTERNAL     = "internal"     // a bug or an outage; the message is not shown
)

// Error is a domain error: a code for programs and a message for people.
// Fields, when set, names the input fields at fault with a reason each, so a
// form can show the message next to the field.
//
// Message and Fields are in English: they are the API's problem detail,
// which programs and logs read. MessageZH and FieldsZH, set with ZH, say the
// same in Chinese, the district's language, for the pages a Chinese viewer
// reads; an error without them is shown in English to everyone.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// MessageZH is Message in Chinese, or "" when there is no translation.
	MessageZH string
	// FieldsZH is Fields in Chinese: the same keys (API field names), the
	// reasons in Chinese. Nil when there is no translation.
	FieldsZH map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("jointops error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error for one named input field.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: field + ": " + msg, Fields: map[string]string{field: msg}}
}

// ZH sets the Chinese text of e, formatted as by fmt.Sprintf, and returns
// e, so that it chains on Errorf and FieldError:
//
//	FieldError("due_date", "The due date %s is before the day of issue %s.", d, issued).
//		ZH("整改期限 %s 早于下达日期 %s。", d, issued)
//
// For a single-field error the text is the reason next to that field, and
// MessageZH is the same text (a Chinese reader does not need the API's field
// name). Chinese is the district's language; English stays the API's detail.
func (e *Error) ZH(format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	e.MessageZH = msg
	if len(e.Fields) == 1 {
		for field := range e.Fields {
			e.FieldsZH = map[string]string{field: msg}
		}
	}
	return e
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the *Error in err's chain, or a generic
// message for any other error so that internals never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorMessageIn returns the message of the *Error in err's chain in the
// language lang ("zh" or "en"): the Chinese text when lang is "zh" and the
// error has one, else the English message as ErrorMessage returns it.
func ErrorMessageIn(err error, lang string) string {
	var e *Error
	if lang == "zh" && errors.As(err, &e) && e.MessageZH != "" {
		return e.MessageZH
	}
	return ErrorMessage(err)
}

// FieldMessagesIn returns the reasons per field of the *Error in err's
// chain in the language lang: for "zh", the Chinese reason of each field
// that has one and the English reason of any other; else Fields. Nil when
// err is not an *Error.
func FieldMessagesIn(err error, lang string) map[string]string {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	if lang == "zh" && len(e.FieldsZH) > 0 {
		out := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			if zh, ok := e.FieldsZH[k]; ok {
				v = zh
			}
			out[k] = v
		}
		return out
	}
	return e.Fields
}

// statusesZH are the Chinese names of the statuses of tasks, operations,
// orders, extensions, escalations and deliveries, as the pages show them
// (web/locales/status.zh.json), for the Chinese text of errors.
var statusesZH = map[string]string{
	"pending":     "待接收",
	"accepted":    "已接收",
	"in_progress": "检查中",
	"reported":    "已报告",
	"closed":      "已办结",
	"declined":    "已退回",
	"reassigned":  "已改派",
	"cancelled":   "已取消",
	"draft":       "草稿",
	"planning":    "编排中",
	"planned":     "已编排",
	"completed":   "已完成",
	"open":        "整改中",
	"overdue":     "已逾期",
	"submitted":   "待复查",
	"verified":    "已复查通过",
	"approved":    "已批准",
	"refused":     "未批准",
	"fired":       "已触发",
	"sent":        "已发送",
	"failed":      "发送失败",
}

// StatusZH returns the Chinese name of a status (TaskStatus, OrderStatus,
// …) for the Chinese text of an error, or status itself when it has none.
func StatusZH(status string) string {
	if zh, ok := statusesZH[status]; ok {
		return zh
	}
	return status
}
