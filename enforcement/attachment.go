package enforcement

import (
	"context"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
)

// DefaultMaxAttachmentBytes is the largest attachment accepted unless
// configured otherwise: 5 MiB, enough for a phone photo or a scanned page.
const DefaultMaxAttachmentBytes int64 = 5 << 20

// AttachmentTypes are the content types an attachment may have: photos and
// scans. The type is sniffed from the bytes (http.DetectContentType), never
// taken from the client's header or the file name.
var AttachmentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// SniffAttachmentType returns the content type of data by its first bytes,
// and whether it is one of AttachmentTypes.
func SniffAttachmentType(data []byte) (string, bool) {
	ct := http.DetectContentType(data)
	for _, t := range AttachmentTypes {
		if ct == t {
			return ct, true
		}
	}
	return ct, false
}

// Attachment is a stored file: either evidence of rectification on an
// order (a photo, a scanned invoice) or a photo of a hazard taken on the
// visit. Exactly one of RectificationOrderID and HazardID is set. Data is
// only read by AttachmentService.FindAttachment.
type Attachment struct {
	ID int64 `json:"id"`
	// RectificationOrderID is the order of a file of evidence.
	RectificationOrderID int64 `json:"rectification_order_id,omitempty"`
	// HazardID is the hazard of a photo taken on the visit.
	HazardID    int64     `json:"hazard_id,omitempty"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	UploadedBy  int64     `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// AttachmentCreate is an uploaded file.
type AttachmentCreate struct {
	Filename string
	Data     []byte
}

// maxFilenameRunes bounds a stored file name.
const maxFilenameRunes = 200

// Validate cleans the file name (its base, no control characters, "file"
// when empty) and checks the data: not empty, at most maxBytes, and of one
// of AttachmentTypes by its bytes. It returns the sniffed content type, or
// EINVALID. (The web adapter answers an oversized or mistyped upload with
// 413 or 415 before it gets here.)
func (c *AttachmentCreate) Validate(maxBytes int64) (string, error) {
	return c.validate("file", maxBytes)
}

// validate is Validate with the errors on field: "file" for an upload of
// its own, "photo" for the photo of HazardCreate.
func (c *AttachmentCreate) validate(field string, maxBytes int64) (string, error) {
	c.Filename = cleanFilename(c.Filename)
	if len(c.Data) == 0 {
		return "", FieldError(field, "The file is empty.")
	}
	if int64(len(c.Data)) > maxBytes {
		return "", FieldError(field, "The file is %d bytes; the limit is %d.", len(c.Data), maxBytes)
	}
	ct, ok := SniffAttachmentType(c.Data)
	if !ok {
		return "", FieldError(field, "The file is %s; attach a JPEG or PNG photo or a PDF.", ct)
	}
	return ct, nil
}

// cleanFilename keeps the base name of a client's file name, without
// control characters or path separators, at most maxFilenameRunes long.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxFilenameRunes {
		name = string(r[len(r)-maxFilenameRunes:])
	}
	if name == "" || name == "." || name == "/" {
		return "file"
	}
	return name
}

// AttachmentService stores the files of the evidence of rectification and
// the photos of hazards.
type AttachmentService interface {
	// AddAttachment stores a file on an order of the actor's department
	// (inspectors and leads; EFORBIDDEN otherwise), while the order is
	// not closed (ECONFLICT). ENOTFOUND for another department's order;
	// EINVALID per AttachmentCreate.Validate with the store's size limit.
	AddAttachment(ctx context.Context, orderID int64, c *AttachmentCreate) (*Attachment, error)
	// AddHazardAttachment stores one more photo (or scan) of a hazard
	// already recorded (the first usually comes with HazardCreate.Photo)
	// by the actor's department (inspectors and leads; EFORBIDDEN for
	// another department on the same visit), while the department's task
	// on the visit is accepted or in progress (ECONFLICT). ENOTFOUND when
	// the actor does not see the hazard's visit; EINVALID per
	// AttachmentCreate.Validate with the store's size limit.
	AddHazardAttachment(ctx context.Context, hazardID int64, c *AttachmentCreate) (*Attachment, error)
	// FindAttachment returns a file and its bytes. Whoever sees the order
	// sees its files, and whoever sees a visit sees its hazards' photos;
	// ENOTFOUND otherwise.
	FindAttachment(ctx context.Context, id int64) (*Attachment, []byte, error)
}
