package enforcement

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path"
	"slices"
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

// MaxAttachmentImagePixels bounds the size in pixels of a photo: 40
// megapixels, more than a phone camera's default, so that checking that a
// photo decodes never takes more than about 160 MB however small its file.
const MaxAttachmentImagePixels = 40_000_000

// attachmentExtensions are the file name extensions of each of
// AttachmentTypes; the first is the one a stored name is given.
var attachmentExtensions = map[string][]string{
	"image/jpeg":      {".jpg", ".jpeg", ".jpe"},
	"image/png":       {".png"},
	"application/pdf": {".pdf"},
}

// Validate cleans the file name (its base, no control characters, "file"
// when empty, an extension that matches the content type) and checks the
// data. It returns the sniffed content type, or EINVALID with the field
// "file" when:
//   - the file is empty (0 bytes);
//   - it is larger than maxBytes;
//   - it is not one of AttachmentTypes by its bytes;
//   - or it is a JPEG or PNG whose content does not decode (a valid
//     header on junk, a truncated upload), or that is larger than
//     MaxAttachmentImagePixels.
//
// The stored name's extension is the sniffed type's: a name whose
// extension matches the type (case aside, .jpg/.jpeg/.jpe for a JPEG) is
// kept, and any other extension is replaced, so "evil.exe" that is a PNG
// is stored as "evil.png", and "scan" as "scan.png". A download thus never
// carries an extension that names another type than the bytes.
//
// (The web adapter answers an oversized or mistyped upload with 413 or 415
// before it gets here.)
func (c *AttachmentCreate) Validate(maxBytes int64) (string, error) {
	return c.validate("file", maxBytes)
}

// validate is Validate with the errors on field: "file" for an upload of
// its own, "photo" for the photo of HazardCreate.
func (c *AttachmentCreate) validate(field string, maxBytes int64) (string, error) {
	c.Filename = cleanFilename(c.Filename)
	if len(c.Data) == 0 {
		return "", FieldError(field, "The file %q is empty (0 bytes); choose the photo or scan again.", c.Filename).
			ZH("文件“%s”为空（0 字节），请重新选择照片或重新扫描。", c.Filename)
	}
	if int64(len(c.Data)) > maxBytes {
		return "", FieldError(field, "The file is %d bytes; the limit is %d.", len(c.Data), maxBytes).
			ZH("文件大小为 %d 字节，超过上限 %d 字节。", len(c.Data), maxBytes)
	}
	ct, ok := SniffAttachmentType(c.Data)
	if !ok {
		return "", FieldError(field, "The file is %s; attach a JPEG or PNG photo or a PDF.", ct).
			ZH("文件类型为 %s，请上传 JPEG 或 PNG 照片或 PDF 文件。", ct)
	}
	if err := checkImage(field, ct, c.Data); err != nil {
		return "", err
	}
	c.Filename = filenameFor(c.Filename, ct)
	return ct, nil
}

// checkImage checks that a JPEG or PNG decodes: its header (size and
// colour model) with image.DecodeConfig, then its pixels, bounded by
// MaxAttachmentImagePixels. Other types pass.
func checkImage(field, ct string, data []byte) error {
	var decodeConfig func(io.Reader) (image.Config, error)
	var decode func(io.Reader) (image.Image, error)
	kind := "PNG"
	switch ct {
	case "image/png":
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case "image/jpeg":
		decodeConfig, decode, kind = jpeg.DecodeConfig, jpeg.Decode, "JPEG"
	default:
		return nil
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return FieldError(field, "The file starts like a %s photo but is not one that can be read (damaged or not a photo); take or export the photo again.", kind).
			ZH("该文件看似 %s 照片，但无法读取（已损坏或并非照片），请重新拍摄或导出照片。", kind)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxAttachmentImagePixels {
		return FieldError(field, "The photo is %d×%d pixels; the limit is %d megapixels. Send a smaller photo.", cfg.Width, cfg.Height, MaxAttachmentImagePixels/1_000_000).
			ZH("照片为 %d×%d 像素，超过 %d 百万像素的上限，请上传较小的照片。", cfg.Width, cfg.Height, MaxAttachmentImagePixels/1_000_000)
	}
	if _, err := decode(bytes.NewReader(data)); err != nil {
		return FieldError(field, "The %s photo is damaged or cut short and cannot be read; take or export the photo again.", kind).
			ZH("该 %s 照片已损坏或不完整，无法读取，请重新拍摄或导出照片。", kind)
	}
	return nil
}

// filenameFor gives name the extension of content type ct: kept when it
// matches, replaced otherwise (see AttachmentCreate.Validate). The result
// stays within MaxFilenameRunes.
func filenameFor(name, ct string) string {
	exts := attachmentExtensions[ct]
	if len(exts) == 0 {
		return name
	}
	ext := path.Ext(name)
	if slices.Contains(exts, strings.ToLower(ext)) {
		return name
	}
	base := strings.TrimSuffix(name, ext)
	if base == "" {
		base = "file"
	}
	if r := []rune(base); len(r)+len(exts[0]) > MaxFilenameRunes {
		base = string(r[:MaxFilenameRunes-len(exts[0])])
	}
	return base + exts[0]
}

// cleanFilename keeps the base name of a client's file name, without
// control characters or path separators, at most MaxFilenameRunes long.
func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > MaxFilenameRunes {
		name = string(r[len(r)-MaxFilenameRunes:])
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
	// The stored name's extension is the sniffed type's (evil.exe that is
	// a PNG is stored as evil.png).
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
