package enforcement

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Limits on free text, in characters (runes, so that 一 counts as one),
// counted after trimming the spaces around the text. Each is generous for
// what a person types into the form, and small enough that a page listing
// many of them stays light: a decline reason is shown on the coordinator's
// pages next to every declined task. Forms may use them as maxlength; the
// domain checks them whatever the form says (validateText).
const (
	// MaxTitleRunes bounds an operation's title: it must fit a notice and
	// a list row.
	MaxTitleRunes = 200
	// MaxDeclineReasonRunes bounds the reason a lead gives for declining a
	// task (DeclineTask).
	MaxDeclineReasonRunes = 2000
	// MaxOperationCancelReasonRunes bounds the reason a coordinator gives
	// for cancelling an operation (CancelOperation).
	MaxOperationCancelReasonRunes = 1000
	// MaxOrderCancelReasonRunes bounds the reason a lead gives for
	// cancelling a rectification order (CancelOrder).
	MaxOrderCancelReasonRunes = 1000
	// MaxHazardDescriptionRunes bounds a hazard's description.
	MaxHazardDescriptionRunes = 4000
	// MaxEvidenceTextRunes bounds the text of the evidence of
	// rectification (EvidenceCreate.Text).
	MaxEvidenceTextRunes = 4000
	// MaxVerificationNoteRunes bounds a verification's note.
	MaxVerificationNoteRunes = 2000
	// MaxExtensionReasonRunes bounds the reason of an extension request.
	MaxExtensionReasonRunes = 2000
	// MaxExtensionNoteRunes bounds the lead's note on an extension.
	MaxExtensionNoteRunes = 2000
	// MaxCalendarNoteRunes bounds the note of a calendar override.
	MaxCalendarNoteRunes = 200
	// MaxRecusalReasonRunes bounds the reason of a recusal (回避事由).
	MaxRecusalReasonRunes = 1000
	// MaxFilenameRunes bounds a stored file name; a longer one is cut
	// from the front, so that its extension stays.
	MaxFilenameRunes = 200
	// MaxPersonNameRunes bounds a person's name: an inspector's, or an
	// enterprise's contact.
	MaxPersonNameRunes = 100
	// MaxCertificateNoRunes bounds an enforcement certificate number
	// (执法证号).
	MaxCertificateNoRunes = 50
	// MaxEmailRunes bounds an e-mail address (RFC 5321: 254 octets).
	MaxEmailRunes = 254
	// MaxSubjectRunes bounds an OIDC subject (OpenID Connect Core §2: at
	// most 255 ASCII characters).
	MaxSubjectRunes = 255
	// MaxPhoneRunes bounds a phone number.
	MaxPhoneRunes = 50
	// MaxEnterpriseNameRunes bounds an enterprise's registered name.
	MaxEnterpriseNameRunes = 200
	// MaxAddressRunes bounds an enterprise's address.
	MaxAddressRunes = 500
	// MaxURLRunes bounds a webhook's URL.
	MaxURLRunes = 2000
	// MaxWebhookSecretRunes bounds a webhook's signing secret.
	MaxWebhookSecretRunes = 256
)

// validateText checks a text already trimmed: at most maxRunes characters,
// valid UTF-8 and no NUL (PostgreSQL's text takes neither). It returns
// EINVALID on field, saying what to do, or nil. Whether the text may be
// empty is the caller's rule.
func validateText(field, s string, maxRunes int) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return FieldError(field, "The text holds bytes that are not text (invalid UTF-8 or NUL); type or paste it again.").
			ZH("文本含有无效字符（非 UTF-8 编码或空字符），请重新输入或粘贴。")
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return FieldError(field, "Shorten the text to at most %d characters; it has %d.", maxRunes, n).
			ZH("请将文本缩短至 %d 字以内；现有 %d 字。", maxRunes, n)
	}
	return nil
}

// requiredText trims s and checks it with validateText; an empty text is
// EINVALID on field with the message missing (missingZH in Chinese). It
// returns the trimmed text.
func requiredText(field, s string, maxRunes int, missing, missingZH string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, "%s", missing).ZH("%s", missingZH)
	}
	return s, validateText(field, s, maxRunes)
}

// ValidateDeclineReason trims the reason a lead gives for declining a task
// and checks it: required, at most MaxDeclineReasonRunes. It returns the
// trimmed reason, or EINVALID on the field "reason".
func ValidateDeclineReason(reason string) (string, error) {
	return requiredText("reason", reason, MaxDeclineReasonRunes,
		"Say why the task is declined; the coordinator reads it to reassign the task.",
		"请填写退回任务的理由，协调人将据此改派任务。")
}

// ValidateOperationCancelReason trims the reason for cancelling an
// operation and checks it: required, at most
// MaxOperationCancelReasonRunes. It returns the trimmed reason, or
// EINVALID on the field "reason".
func ValidateOperationCancelReason(reason string) (string, error) {
	return requiredText("reason", reason, MaxOperationCancelReasonRunes, "Say why the operation is cancelled.", "请填写取消联合执法行动的理由。")
}

// ValidateOrderCancelReason trims the reason for cancelling a
// rectification order and checks it: required, at most
// MaxOrderCancelReasonRunes. It returns the trimmed reason, or EINVALID on
// the field "reason".
func ValidateOrderCancelReason(reason string) (string, error) {
	return requiredText("reason", reason, MaxOrderCancelReasonRunes, "Say why the order is cancelled.", "请填写撤销整改通知的理由。")
}

// textLimit is one text field of an input with several, and its limit.
type textLimit struct {
	field, value string
	maxRunes     int
}

// validateTexts checks each text with validateText and returns the first
// fault, or nil.
func validateTexts(limits ...textLimit) error {
	for _, l := range limits {
		if err := validateText(l.field, l.value, l.maxRunes); err != nil {
			return err
		}
	}
	return nil
}

// textRowErrors reports each text over its limit as an ImportRowError on
// line, for the imports that list every fault of a file. A text that is
// not UTF-8 is left to the import's own report of the file's encoding.
func textRowErrors(line int, limits ...textLimit) []ImportRowError {
	var errs []ImportRowError
	for _, l := range limits {
		if !utf8.ValidString(l.value) {
			continue
		}
		var e *Error
		if errors.As(validateText(l.field, l.value, l.maxRunes), &e) {
			errs = append(errs, ImportRowError{Line: line, Field: l.field, Reason: e.Fields[l.field]})
		}
	}
	return errs
}
