package track

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
)

// SheetLedger is the sheet of a ledger workbook: a header row, then one
// entry a row, the same columns for export and import.
const SheetLedger = "工作台账"

// MaxLedgerRows is the most entries one workbook imports; MaxWorkbook the
// largest workbook.
const (
	MaxLedgerRows = 2000
	MaxWorkbook   = 8 << 20
)

// ledgerColumns are the columns of the ledger sheet.
var ledgerColumns = []string{"日期", "类型", "事项", "具体内容", "投资（万元）", "项目节点", "潜绩", "回访日期", "关联承诺", "干部"}

// kindLabels are the Chinese labels of the entry kinds in workbooks.
var kindLabels = map[EntryKind]string{EntryTask: "重点任务", EntryProject: "重大项目", EntryIssue: "问题办理"}

// WriteLedger writes the entries the actor may read of f as a workbook.
func (s *Service) WriteLedger(ctx context.Context, a *auth.Actor, f LedgerFilter, w io.Writer) error {
	es, err := s.Ledger(ctx, a, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", SheetLedger); err != nil {
		return err
	}
	header := append([]string{"单位"}, ledgerColumns...)
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := x.SetCellValue(SheetLedger, cell, h); err != nil {
			return err
		}
	}
	for r, e := range es {
		inv := ""
		if e.Investment != nil {
			inv = strconv.FormatFloat(*e.Investment, 'f', -1, 64)
		}
		latent := ""
		if e.Latent {
			latent = "是"
		}
		row := []string{e.Unit, e.Day, kindLabels[e.Kind], e.Title, e.Detail, inv, e.Milestone, latent, e.RevisitOn, e.Commitment, e.Person}
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := x.SetCellValue(SheetLedger, cell, v); err != nil {
				return err
			}
		}
	}
	return x.Write(w)
}

// ImportLedger records the entries of a workbook for unit unitID, all or
// none; a cadre column names a cadre of the unit by name. Bad rows write
// nothing and return every problem with its row (errs.List).
func (s *Service) ImportLedger(ctx context.Context, a *auth.Actor, unitID int64, data []byte, people map[string]int64) ([]*Entry, error) {
	if len(data) > MaxWorkbook {
		return nil, errs.Field("file", "track.ledger.file_too_large", "the workbook is too large")
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, errs.Field("file", "track.ledger.file_invalid", "the file is not an Excel workbook (.xlsx)")
	}
	defer x.Close()
	rows, err := x.GetRows(SheetLedger)
	if err != nil {
		return nil, errs.Field("file", "track.ledger.sheet_missing", "the workbook has no sheet "+SheetLedger)
	}
	if len(rows) < 2 {
		return nil, errs.Field("file", "track.ledger.empty", "the workbook holds no entry")
	}
	if len(rows)-1 > MaxLedgerRows {
		e := errs.Field("file", "track.ledger.too_many", fmt.Sprintf("a workbook imports at most %d entries", MaxLedgerRows))
		e.Args = map[string]any{"max": MaxLedgerRows}
		return nil, e
	}
	at := map[string]int{}
	for c, h := range rows[0] {
		at[strings.TrimSpace(h)] = c
	}
	var ds []EntryDraft
	var l errs.List
	for i, r := range rows[1:] {
		cell := func(h string) string {
			if c, ok := at[h]; ok && c < len(r) {
				return strings.TrimSpace(r[c])
			}
			return ""
		}
		d := EntryDraft{Row: i + 2, UnitID: unitID, Day: cell("日期"), Title: cell("事项"), Detail: cell("具体内容"),
			Investment: cell("投资（万元）"), Milestone: cell("项目节点"), Latent: cell("潜绩") == "是", RevisitOn: cell("回访日期")}
		for k, label := range kindLabels {
			if cell("类型") == label {
				d.Kind = string(k)
			}
		}
		if name := cell("干部"); name != "" {
			if d.PersonID = people[name]; d.PersonID == 0 {
				e := errs.Field("person", "track.ledger.person_unknown", name+" is no cadre of the unit")
				e.Row, e.Args = d.Row, map[string]any{"name": name}
				l.Add(e)
			}
		}
		ds = append(ds, d)
	}
	if len(l) > 0 {
		return nil, l
	}
	return s.AddEntries(ctx, a, ds)
}
