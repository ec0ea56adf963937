package workflow

import (
	"fmt"
	"strings"

	"github.com/jointops/jointops/enforcement"
)

// The text of deliveries: Chinese by default, English for a person whose
// language is "en". Each item is the notification's title, which names the
// order (or task), the enterprise, the due date and the level, and a link
// to the thing in the API under PUBLIC_URL.

// Listing limits: an e-mail lists at most emailListLimit items and a group
// post webhookListLimit; the rest are counted, and the inbox has them all.
const (
	emailListLimit   = 500
	webhookListLimit = 20
	// wecomMaxBytes is WeCom's limit on a text robot message's content.
	wecomMaxBytes = 2048
)

// subjectLink returns the link of a notification's subject: the API path
// of the order, task, operation or visit under publicURL, or the inbox.
func subjectLink(publicURL string, n *enforcement.Notification) string {
	switch n.SubjectKind {
	case enforcement.SubjectRectificationOrder, enforcement.SubjectVerification:
		return fmt.Sprintf("%s/api/v1/rectification-orders/%d", publicURL, n.SubjectID)
	case enforcement.SubjectTask:
		return fmt.Sprintf("%s/api/v1/tasks/%d", publicURL, n.SubjectID)
	case enforcement.SubjectOperation:
		return fmt.Sprintf("%s/api/v1/operations/%d", publicURL, n.SubjectID)
	case enforcement.SubjectVisit:
		return fmt.Sprintf("%s/api/v1/visits/%d", publicURL, n.SubjectID)
	}
	return publicURL + "/api/v1/notifications"
}

// isEscalation reports whether every item is an escalation (督办).
func isEscalation(notes []*enforcement.Notification) bool {
	for _, n := range notes {
		if n.Kind != "escalation" && n.Kind != "verification_late" {
			return false
		}
	}
	return true
}

// noun returns "条督办提醒", "escalation notices" and the like for total
// items.
func noun(lang string, total int, escalation bool) string {
	if lang == "en" {
		n := "notification"
		if escalation {
			n = "escalation notice"
		}
		if total != 1 {
			n += "s"
		}
		return n
	}
	if escalation {
		return "条督办提醒"
	}
	return "条新通知"
}

// subjectLine returns "【jointops】3 条督办提醒" or "[jointops] 3
// escalation notices".
func subjectLine(lang string, total int, escalation bool) string {
	if lang == "en" {
		return fmt.Sprintf("[jointops] %d %s", total, noun(lang, total, escalation))
	}
	return fmt.Sprintf("【jointops】%d %s", total, noun(lang, total, escalation))
}

// title returns the item's title in lang.
func title(lang string, n *enforcement.Notification) string {
	if lang == "en" && n.TitleEN != "" {
		return n.TitleEN
	}
	return n.TitleZH
}

// writeItems lists notes, numbered, each with its link, then a line
// counting the items not listed.
func writeItems(b *strings.Builder, lang, publicURL string, notes []*enforcement.Notification, total int) {
	for i, n := range notes {
		fmt.Fprintf(b, "%d. %s\n   %s\n", i+1, title(lang, n), subjectLink(publicURL, n))
	}
	if more := total - len(notes); more > 0 {
		if lang == "en" {
			fmt.Fprintf(b, "… and %d more in your inbox: %s/api/v1/notifications\n", more, publicURL)
		} else {
			fmt.Fprintf(b, "……另有 %d 条，请在收件箱查看：%s/api/v1/notifications\n", more, publicURL)
		}
	}
}

// renderEmail returns the subject and text of an e-mail digest.
func renderEmail(m *enforcement.DeliveryMessage, publicURL string) (subject, body string) {
	lang := m.Recipient.Language
	notes := m.Notifications
	if len(notes) > emailListLimit {
		notes = notes[:emailListLimit]
	}
	esc := isEscalation(m.Notifications)
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "Dear %s,\n\njointops has %d new %s for you:\n\n", nameOr(m.Recipient.Name, "colleague"), m.Total, noun(lang, m.Total, esc))
	} else {
		fmt.Fprintf(&b, "%s，您好：\n\njointops 有 %d %s：\n\n", nameOr(m.Recipient.Name, "同志"), m.Total, noun(lang, m.Total, esc))
	}
	writeItems(&b, lang, publicURL, notes, m.Total)
	if lang == "en" {
		fmt.Fprintf(&b, "\nEvery item is also in your jointops inbox: %s/\n"+
			"This is one digest of the notifications of the last few minutes. To stop e-mail, send PUT %s/api/v1/me/email-notifications {\"enabled\":false}.\n",
			publicURL, publicURL)
	} else {
		fmt.Fprintf(&b, "\n以上事项均已进入您在 jointops 的收件箱：%s/\n"+
			"本邮件汇总了最近几分钟的通知。如不需要邮件提醒，可发送 PUT %s/api/v1/me/email-notifications {\"enabled\":false} 关闭。\n",
			publicURL, publicURL)
	}
	return subjectLine(lang, m.Total, esc), b.String()
}

func nameOr(name, def string) string {
	if strings.TrimSpace(name) == "" {
		return def
	}
	return name
}

// renderWebhookText returns the text of a group post: Chinese, at most
// webhookListLimit items, and at most maxBytes bytes when maxBytes > 0
// (cut at a line).
func renderWebhookText(m *enforcement.DeliveryMessage, publicURL string, maxBytes int) string {
	notes := m.Notifications
	if len(notes) > webhookListLimit {
		notes = notes[:webhookListLimit]
	}
	var b strings.Builder
	b.WriteString(subjectLine("zh", m.Total, isEscalation(m.Notifications)) + "\n")
	writeItems(&b, "zh", publicURL, notes, m.Total)
	text := b.String()
	if maxBytes > 0 && len(text) > maxBytes {
		tail := fmt.Sprintf("……共 %d 条，请登录 jointops 查看：%s/\n", m.Total, publicURL)
		cut := strings.LastIndexByte(text[:max(0, maxBytes-len(tail))], '\n')
		text = text[:cut+1] + tail
	}
	return strings.TrimRight(text, "\n")
}
