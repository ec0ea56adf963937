package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/jointops/jointops/enforcement"
)

// ledgerExportMax bounds the rows of one export; a larger ledger is
// exported filter by filter.
const ledgerExportMax = 50000

// ledgerExportBatch is how many orders one store query of an export reads.
const ledgerExportBatch = 1000

// utf8BOM starts the CSV export so that Excel reads it as UTF-8 (Chinese
// names would be garbled otherwise).
const utf8BOM = "\uFEFF"

// ledgerExportRows reads every order of the ledger's current filter (the
// department scope of the viewer applies, as on the page) and returns the
// header and the rows as text in the viewer's language. Dates are calendar
// dates in the order's time zone; instants are in Asia/Shanghai.
func (s *Server) ledgerExportRows(r *http.Request) ([]string, [][]string, error) {
	ctx := r.Context()
	a, err := enforcement.RequireRole(ctx, ledgerRoles...)
	if err != nil {
		return nil, nil, err
	}
	q, err := parseLedgerQuery(r.URL.Query(), a)
	if err != nil {
		return nil, nil, err
	}
	names, err := s.referenceNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	l := s.localizerFor(r)
	header := []string{l.T("ledger.col.id"), l.T("ledger.col.enterprise"), l.T("ledger.col.department"),
		l.T("ledger.col.subdistrict"), l.T("ledger.col.industry"), l.T("ledger.col.severity"), l.T("ledger.col.status"),
		l.T("ledger.col.issued_at"), l.T("ledger.col.due_on"), l.T("ledger.col.overdue"), l.T("ledger.col.listed")}
	yesNo := func(b bool) string {
		if b {
			return l.T("ledger.yes")
		}
		return l.T("ledger.no")
	}
	today := enforcement.DateOf(s.now().In(s.Location))
	f := q.filter()
	f.Limit, f.Offset = ledgerExportBatch, 0
	var rows [][]string
	for len(rows) < ledgerExportMax {
		orders, err := s.Rectifications.FindOrders(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range orders {
			rows = append(rows, []string{strconv.FormatInt(o.ID, 10), o.Enterprise, names[o.Department],
				names[o.Subdistrict], names[o.Industry], l.T("severity." + string(o.Severity)), l.T("status." + string(o.Status)),
				o.IssuedAt.In(s.Location).Format("2006-01-02 15:04"), o.DueOn.String(),
				yesNo(orderOverdue(o, today)), yesNo(o.Listed)})
		}
		if len(orders) < f.Limit {
			break
		}
		f.Offset += len(orders)
	}
	if len(rows) > ledgerExportMax {
		rows = rows[:ledgerExportMax]
	}
	return header, rows, nil
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
// as UTF-8 CSV with a byte-order mark.
func (s *Server) handleLedgerCSV(w http.ResponseWriter, r *http.Request) {
	header, rows, err := s.ledgerExportRows(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", s.exportFilename(r, "csv"))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	_ = cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		s.Logger.ErrorContext(r.Context(), "ledger csv", "err", err)
	}
}

// handleLedgerXLSX answers GET /ledger.xlsx with the ledger's current
// filter as one worksheet, the header row frozen.
func (s *Server) handleLedgerXLSX(w http.ResponseWriter, r *http.Request) {
	header, rows, err := s.ledgerExportRows(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := s.localizerFor(r).T("ledger.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		s.htmlError(w, r, err)
		return
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	_ = sw.SetColWidth(2, 2, 36)
	_ = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	write := func(n int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	err = write(1, header)
	for i, row := range rows {
		if err != nil {
			break
		}
		err = write(i+2, row)
	}
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", s.exportFilename(r, "xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	if err := x.Write(w); err != nil {
		s.Logger.ErrorContext(r.Context(), "ledger xlsx", "err", err)
	}
}
