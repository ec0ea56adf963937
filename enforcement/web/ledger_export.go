package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jointops/jointops/enforcement"
)

// ledgerExportMax bounds the rows of one export. When more orders match,
// the export is refused (422, the ledger with a message to narrow the
// filter): it never stops silently at the bound. A variable so that tests
// can lower it.
var ledgerExportMax = 50000

// ledgerExportBatch is how many orders one store query of an export reads.
const ledgerExportBatch = 1000

// utf8BOM starts the CSV export so that Excel reads it as UTF-8 (Chinese
// names would be garbled otherwise).
const utf8BOM = "\uFEFF"

// ledgerExport is what an export writes: the header and the orders of the
// ledger's current filter (the viewer's department scope applies, as on
// the page), with what the cells need.
type ledgerExport struct {
	Header []string
	Orders []*enforcement.RectificationOrder
	// Names maps department, subdistrict and industry codes to names.
	Names map[string]string
	today enforcement.Date
	l     *localizer
}

// errExportTooMany is returned by readLedgerExport when more orders match
// than ledgerExportMax.
var errExportTooMany = errors.New("web: more orders match than one export holds")

// readLedgerExport reads every order of the ledger's current filter. A bad
// filter value is errLedgerFilter (the caller shows the ledger with the
// messages); more than ledgerExportMax orders is errExportTooMany, found
// before anything is read in full.
func (s *Server) readLedgerExport(r *http.Request) (*ledgerExport, error) {
	ctx := r.Context()
	a, err := enforcement.RequireRole(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	l := s.localizerFor(r)
	q, errs := parseLedgerQuery(r.URL.Query(), a, l)
	if len(errs) > 0 {
		return nil, errLedgerFilter
	}
	f := q.filter()
	f.Limit, f.Offset = 1, ledgerExportMax
	beyond, err := s.Rectifications.FindOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(beyond) > 0 {
		return nil, errExportTooMany
	}
	x := &ledgerExport{l: l, today: enforcement.DateOf(s.now().In(s.Location))}
	if x.Names, err = s.referenceNames(ctx); err != nil {
		return nil, err
	}
	x.Header = []string{l.T("ledger.col.id"), l.T("ledger.col.enterprise"), l.T("ledger.col.department"),
		l.T("ledger.col.subdistrict"), l.T("ledger.col.industry"), l.T("ledger.col.severity"), l.T("ledger.col.status"),
		l.T("ledger.col.issued_at"), l.T("ledger.col.due_on"), l.T("ledger.col.overdue"), l.T("ledger.col.listed")}
	f.Limit, f.Offset = ledgerExportBatch, 0
	for {
		orders, err := s.Rectifications.FindOrders(ctx, f)
		if err != nil {
			return nil, err
		}
		x.Orders = append(x.Orders, orders...)
		if len(orders) < f.Limit {
			break
		}
		f.Offset += len(orders)
	}
	if len(x.Orders) > ledgerExportMax {
		// Orders issued while the export was read: refuse rather than cut.
		return nil, errExportTooMany
	}
	return x, nil
}

// errLedgerFilter is returned by readLedgerExport for a filter value the
// ledger form never offers.
var errLedgerFilter = errors.New("web: a ledger filter value is not valid")

// textCells returns the cells of o other than the id and the two dates, as
// text in the viewer's language: enterprise, department, subdistrict,
// industry, severity, status; then overdue and listed.
func (x *ledgerExport) textCells(o *enforcement.RectificationOrder) (before []string, after []string) {
	yesNo := func(b bool) string {
		if b {
			return x.l.T("ledger.yes")
		}
		return x.l.T("ledger.no")
	}
	return []string{o.Enterprise, x.Names[o.Department], x.Names[o.Subdistrict], x.Names[o.Industry],
			x.l.T("severity." + string(o.Severity)), x.l.T("status." + string(o.Status))},
		[]string{yesNo(orderOverdue(o, x.today)), yesNo(o.Listed)}
}

// exportFailed answers an export that cannot be made: the ledger with its
// messages for a bad filter or too many orders (422), else the error page.
func (s *Server) exportFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errLedgerFilter):
		s.showLedger(w, r, "")
	case errors.Is(err, errExportTooMany):
		s.showLedger(w, r, s.localizerFor(r).T("ledger.export.too_many", "Max", ledgerExportMax))
	default:
		s.htmlError(w, r, err)
	}
}

// referenceNames maps department, subdistrict and industry codes to their
// names in the viewer's language (departments) or in Chinese (the others
// have no English names).
func (s *Server) referenceNames(ctx context.Context) (map[string]string, error) {
	names := map[string]string{"": ""}
	lang := "zh"
	if a := enforcement.ActorFromContext(ctx); a != nil {
		lang = trimLang(a.Language)
	}
	ds, err := s.References.FindDepartments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		names[d.Code] = d.Name(lang)
	}
	sds, err := s.References.FindSubdistricts(ctx)
	if err != nil {
		return nil, err
	}
	for _, sd := range sds {
		names[sd.Code] = sd.Name
	}
	ins, err := s.References.FindIndustries(ctx)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		names[in.Code] = in.Name
	}
	return names, nil
}

// exportFilename is the download's name: 整改台账-2026-03-02.xlsx or
// ledger-2026-03-02.csv, dated today in Asia/Shanghai; Content-Disposition
// carries it as RFC 6266 filename* with an ASCII fallback.
func (s *Server) exportFilename(r *http.Request, ext string) string {
	day := enforcement.DateOf(s.now().In(s.Location)).String()
	name := s.localizerFor(r).T("ledger.filename") + "-" + day + "." + ext
	return fmt.Sprintf("attachment; filename=\"ledger-%s.%s\"; filename*=UTF-8''%s", day, ext, url.PathEscape(name))
}

// handleLedgerCSV answers GET /ledger.csv with the ledger's current filter
// as UTF-8 CSV with a byte-order mark; instants as 2026-03-02 10:00 in
// Asia/Shanghai, dates as 2026-03-02.
func (s *Server) handleLedgerCSV(w http.ResponseWriter, r *http.Request) {
	x, err := s.readLedgerExport(r)
	if err != nil {
		s.exportFailed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", s.exportFilename(r, "csv"))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	_ = cw.Write(x.Header)
	for _, o := range x.Orders {
		before, after := x.textCells(o)
		row := append([]string{strconv.FormatInt(o.ID, 10)}, before...)
		row = append(row, o.IssuedAt.In(s.Location).Format("2006-01-02 15:04"), o.DueOn.String())
		_ = cw.Write(append(row, after...))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.Logger.ErrorContext(r.Context(), "ledger csv", "err", err)
	}
}

// handleLedgerXLSX answers GET /ledger.xlsx with the ledger's current
// filter as one worksheet, the header row frozen, the cells typed: the
// order number a number, the time of issue an Excel date and time
// (yyyy-mm-dd hh:mm, Beijing time) and the due date an Excel date
// (yyyy-mm-dd), so that they sort and filter as such.
func (s *Server) handleLedgerXLSX(w http.ResponseWriter, r *http.Request) {
	x, err := s.readLedgerExport(r)
	if err != nil {
		s.exportFailed(w, r, err)
		return
	}
	b, err := s.ledgerWorkbook(x, s.localizerFor(r).T("ledger.sheet"))
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", s.exportFilename(r, "xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	if _, err := b.WriteTo(w); err != nil {
		s.Logger.ErrorContext(r.Context(), "ledger xlsx", "err", err)
	}
}

// ledgerWorkbook writes x as an XLSX workbook of one sheet.
func (s *Server) ledgerWorkbook(x *ledgerExport, sheet string) (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dateTimeFmt, dateFmt := "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
	dateTime, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		return nil, err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	_ = sw.SetColWidth(2, 2, 36)
	_ = sw.SetColWidth(8, 8, 17)
	_ = sw.SetColWidth(9, 9, 12)
	_ = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	header := make([]any, len(x.Header))
	for i, h := range x.Header {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	for i, o := range x.Orders {
		before, after := x.textCells(o)
		row := make([]any, 0, len(x.Header))
		row = append(row, o.ID)
		for _, c := range before {
			row = append(row, c)
		}
		// Excel has no time zones: the cell holds Beijing wall-clock time.
		issued := o.IssuedAt.In(s.Location)
		row = append(row,
			excelize.Cell{StyleID: dateTime, Value: time.Date(issued.Year(), issued.Month(), issued.Day(), issued.Hour(), issued.Minute(), issued.Second(), 0, time.UTC)},
			excelize.Cell{StyleID: date, Value: o.DueOn.UTC()})
		for _, c := range after {
			row = append(row, c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return f.WriteToBuffer()
}
