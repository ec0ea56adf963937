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
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
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
