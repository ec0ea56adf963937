package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// maxBodyBytes caps a request body: the largest input, an operation's
// criteria, is a few kilobytes.
const maxBodyBytes = 1 << 20

// decodeJSON reads the body of r into v: one JSON value, no unknown
// fields, at most maxBodyBytes. Malformed JSON, an unknown field or a value
// of the wrong type is a 400 requestError that says what is wrong; an
// invalid value that the domain type rejects itself (a bad date) keeps its
// EINVALID code.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&json.RawMessage{}) != io.EOF {
		return badRequest("The body holds more than one JSON value; send one object.", nil)
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var sizeErr *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return badRequest("The body is empty; send a JSON object.", nil)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("The body ends in the middle of a JSON value.", nil)
	case errors.As(err, &syntaxErr):
		return badRequest(fmt.Sprintf("Malformed JSON at byte %d: %s.", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: ")), nil)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		msg := fmt.Sprintf("must be a JSON %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
		return badRequest(fmt.Sprintf("Field %q %s.", typeErr.Field, msg), map[string]string{typeErr.Field: msg})
	case errors.As(err, &typeErr):
		return badRequest(fmt.Sprintf("The body must be a JSON object, not %s.", typeErr.Value), nil)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest(fmt.Sprintf("Unknown field %q.", field), map[string]string{field: "unknown field"})
	case errors.As(err, &sizeErr):
		return &requestError{status: http.StatusRequestEntityTooLarge, slug: "too-large",
			detail: fmt.Sprintf("The body is larger than %d bytes.", sizeErr.Limit)}
	case enforcement.ErrorCode(err) != enforcement.EINTERNAL:
		return err // a domain type's UnmarshalJSON rejected the value
	}
	return badRequest("The body is not valid JSON: "+err.Error(), nil)
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice", kind == "array":
		return "array"
	case kind == "map", kind == "struct":
		return "object"
	case kind == "bool":
		return "boolean"
	}
	return kind
}

// writeJSON writes v as application/json with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeCreated writes v with 201 Created and its Location.
func writeCreated(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, v)
}

// pathID returns the {id} of the route. An id that is not a positive
// integer names nothing: ENOTFOUND.
func pathID(r *http.Request) (int64, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, enforcement.Errorf(enforcement.ENOTFOUND, "%q is not an id; ids are positive integers.", s)
	}
	return id, nil
}

// queryInt64 returns the query parameter name as a positive integer, or
// nil when it is absent or empty.
func queryInt64(q url.Values, name string) (*int64, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return nil, enforcement.FieldError(name, "%q is not a positive integer.", s).
			ZH("“%s”不是正整数。", s)
	}
	return &v, nil
}

// queryInt returns the query parameter name as an integer from lo to hi,
// or 0 when it is absent or empty.
func queryInt(q url.Values, name string, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, enforcement.FieldError(name, "%q is not an integer from %d to %d.", s, lo, hi).
			ZH("“%s”不是 %d 至 %d 之间的整数。", s, lo, hi)
	}
	return v, nil
}

// queryBool returns the query parameter name as a boolean, or nil when it
// is absent or empty.
func queryBool(q url.Values, name string) (*bool, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return nil, enforcement.FieldError(name, "%q is not true or false.", s).
			ZH("“%s”不是 true 或 false。", s)
	}
	return &v, nil
}

// queryEnum returns the query parameter name when it is one of allowed, or
// nil when it is absent or empty.
func queryEnum[T ~string](q url.Values, name string, allowed ...T) (*T, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	for _, a := range allowed {
		if string(a) == s {
			return &a, nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return nil, enforcement.FieldError(name, "%q is not one of %s.", s, strings.Join(names, ", ")).
		ZH("“%s”不是 %s 之一。", s, strings.Join(names, "、"))
}

// nonNil returns s, or an empty slice for nil, so that a list is written
// as [] and not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// queryPage reads the paging parameters of a list served newest first:
// limit (1 to max; 0 when absent, for the store's default) and before_id
// (only items with a smaller id; 0 starts at the newest).
func queryPage(q url.Values, max int) (limit int, beforeID int64, err error) {
	if limit, err = queryInt(q, "limit", 1, max); err != nil {
		return 0, 0, err
	}
	before, err := queryInt(q, "before_id", 0, 1<<62)
	return limit, int64(before), err
}

// pagedBody returns {name: items}, with next_before_id (the id to pass as
// before_id for the next page) when the page is full. def is the store's
// page size when limit is 0.
func pagedBody[T any](name string, items []T, limit, def int, id func(T) int64) map[string]any {
	body := map[string]any{name: nonNil(items)}
	if def > 0 && limit == 0 {
		limit = def
	}
	if n := len(items); n > 0 && n == limit {
		body["next_before_id"] = id(items[n-1])
	}
	return body
}
