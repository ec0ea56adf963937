package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// multipartOverheadBytes is what a multipart body may hold beyond the file
// itself: boundaries, part headers, a short text field or two.
const multipartOverheadBytes = 64 << 10

// attachmentRoutes registers the files of the evidence of rectification,
// and the download of any file (hazard photos included).
func (s *Server) attachmentRoutes(r chi.Router) {
	r.Post("/rectification-orders/{id}/attachments", s.handleAttachmentCreate)
	r.Get("/attachments/{id}", s.handleAttachmentGet)
}

// handleAttachmentCreate answers POST
// /api/v1/rectification-orders/{id}/attachments, a multipart/form-data
// body with the field "file": 201 with the stored file's metadata. A file
// larger than MaxAttachmentBytes is 413; one that is not a JPEG, PNG or PDF
// by its bytes is 415. Another department's order is 404 before either.
func (s *Server) handleAttachmentCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := s.Rectifications.FindOrderByID(r.Context(), id); err != nil {
		s.error(w, r, err)
		return
	}
	name, data, err := s.readUpload(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if ct, ok := enforcement.SniffAttachmentType(data); !ok {
		s.error(w, r, &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
			detail: fmt.Sprintf("The file is %s; attach a JPEG or PNG photo or a PDF.", ct), fields: map[string]string{"file": "unsupported type " + ct}})
		return
	}
	att, err := s.Attachments.AddAttachment(r.Context(), id, &enforcement.AttachmentCreate{Filename: name, Data: data})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCreated(w, fmt.Sprintf("/api/v1/attachments/%d", att.ID), att)
}

// readUpload reads the part "file" of a multipart/form-data body, at most
// MaxAttachmentBytes; it answers 415 for another body type, 413 for a
// larger file and 400 when the part is missing or empty.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return "", nil, &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
			detail: "Send the file as multipart/form-data, in the field \"file\"."}
	}
	tooLarge := &requestError{status: http.StatusRequestEntityTooLarge, slug: "too-large",
		detail: fmt.Sprintf("The file is larger than %d bytes (%d MiB), the limit of an attachment.", s.MaxAttachmentBytes, s.MaxAttachmentBytes>>20)}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxAttachmentBytes+multipartOverheadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, badRequest("The multipart body cannot be read: "+err.Error(), nil)
	}
	for {
		part, err := mr.NextPart()
		var sizeErr *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return "", nil, badRequest("The body has no field \"file\".", map[string]string{"file": "required"})
		case errors.As(err, &sizeErr):
			return "", nil, tooLarge
		case err != nil:
			return "", nil, badRequest("The multipart body cannot be read: "+err.Error(), nil)
		}
		if part.FormName() != "file" {
			continue
		}
		var buf bytes.Buffer
		_, err = io.Copy(&buf, io.LimitReader(part, s.MaxAttachmentBytes+1))
		switch {
		case errors.As(err, &sizeErr), int64(buf.Len()) > s.MaxAttachmentBytes:
			return "", nil, tooLarge
		case err != nil:
			return "", nil, badRequest("The file cannot be read: "+err.Error(), nil)
		case buf.Len() == 0:
			return "", nil, badRequest("The file is empty.", map[string]string{"file": "empty"})
		}
		return strings.TrimSpace(part.FileName()), buf.Bytes(), nil
	}
}

// handleAttachmentGet answers GET /api/v1/attachments/{id} with the file,
// as a download of its sniffed type (ranges and If-Modified-Since work):
// a file of an order or a photo of a hazard, which the visit page shows as
// a thumbnail. 404 for a file of an order the actor does not see, or of a
// hazard on a visit the actor's department is not on.
func (s *Server) handleAttachmentGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	att, data, err := s.Attachments.FindAttachment(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Filename}))
	// The file came from outside: never run it in the app's origin.
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", att.CreatedAt, bytes.NewReader(data))
}
