package collect

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// WriteTemplate writes the Excel template of a grid: sheet 数据填报 with the
// period in B1, item names (with units) in row 2 and their codes in row 3,
// one row per entity with its code and name and the current values filled
// in, a correction-reason column, and data validation on every value cell
// (a decimal or whole number within the item's range); and sheet 填报说明
// with the instructions in Chinese. The grid's items only: a provider's
// template holds its own department's items and nothing else.
func WriteTemplate(w io.Writer, g *Grid) error {
	if len(g.Items) == 0 {
		return errNoItems(g.Period)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetValues); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetInstructions); err != nil {
		return err
	}
	if err := writeInstructions(f, g); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	codeStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "808080"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}})
	if err != nil {
		return err
	}
	lastCol := len(g.Items) + 3 // code, name, items…, reason
	for i, it := range g.Items {
		col, _ := excelize.ColumnNumberToName(i + 3)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s4:%s%d", col, col, len(g.Entities)+3)
		typ := excelize.DataValidationTypeDecimal
		if it.Type == TypeInteger {
			typ = excelize.DataValidationTypeWhole
		}
		lo, hi := -1e15, 1e15
		if it.Min != nil {
			lo = *it.Min
		}
		if it.Max != nil {
			hi = *it.Max
		}
		if err := dv.SetRange(lo, hi, typ, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "数值不符合要求", fmt.Sprintf("%s 应为%s，范围 %s", it.Label(), typeName(it.Type), rangeText(it)))
		dv.SetInput(it.Name, fmt.Sprintf("%s；%s", rangeText(it), unitText(it)))
		if err := f.AddDataValidation(SheetValues, dv); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(SheetValues)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 20); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, lastCol, 16); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 3, TopLeftCell: "C4", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	cell := func(v any, style int) excelize.Cell { return excelize.Cell{Value: v, StyleID: style} }
	row1 := []any{cell(labelPeriod, head), cell(g.Period, head), cell(g.Owner.Name, 0)}
	row2 := []any{cell(labelEntity, head), cell("对象名称", head)}
	row3 := []any{cell(labelItemCodes, codeStyle), cell("", codeStyle)}
	for _, it := range g.Items {
		row2 = append(row2, cell(it.Label(), head))
		row3 = append(row3, cell(it.Code, codeStyle))
	}
	row2 = append(row2, cell(labelReason, head))
	row3 = append(row3, cell(labelReason, codeStyle))
	for i, r := range [][]any{row1, row2, row3} {
		if err := sw.SetRow("A"+strconv.Itoa(i+1), r); err != nil {
			return err
		}
	}
	vals := make([]any, lastCol)
	for e, ent := range g.Entities {
		vals[0], vals[1] = ent.Code, ent.Name
		for i := range g.Items {
			c := g.Cells[e][i]
			switch {
			case c.Has:
				vals[i+2] = c.Value
			case !c.Applies:
				vals[i+2] = excelize.Cell{Value: "—", StyleID: codeStyle}
			default:
				vals[i+2] = nil
			}
		}
		vals[lastCol-1] = nil
		if err := sw.SetRow("A"+strconv.Itoa(e+4), vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func typeName(t ValueType) string {
	switch t {
	case TypeInteger:
		return "整数"
	case TypePercent:
		return "百分数（填数字，如 65.3 表示 65.3%）"
	}
	return "数值"
}

func rangeText(it *Item) string {
	switch {
	case it.Min != nil && it.Max != nil:
		return fmt.Sprintf("%v 至 %v", *it.Min, *it.Max)
	case it.Min != nil:
		return fmt.Sprintf("不小于 %v", *it.Min)
	case it.Max != nil:
		return fmt.Sprintf("不大于 %v", *it.Max)
	}
	return "不限"
}

func unitText(it *Item) string {
	if it.Measure == "" {
		return "无计量单位"
	}
	return "计量单位：" + it.Measure
}

// writeInstructions fills the sheet 填报说明.
func writeInstructions(f *excelize.File, g *Grid) error {
	lines := [][]any{
		{"填报说明"},
		{"报送单位", g.Owner.Name},
		{"填报期间", g.Period},
		{""},
		{"1. 请在“" + SheetValues + "”工作表第 4 行起填写数值，每行一个考核对象，不要增删行列，不要修改第 1—3 行。"},
		{"2. 每个数据项的计量单位见第 2 行括号；只填数字，不要填写单位以外的文字。百分数填数字，如 65.3 表示 65.3%。"},
		{"3. 不要合并单元格，不要使用公式（请粘贴为数值）；上传时含合并单元格或公式的文件将被拒绝。"},
		{"4. 已有数值的单元格为已报送的当前值；修改已报送的数值属于更正，须在该行“" + labelReason + "”列说明原因，原值保留在历史记录中。"},
		{"5. 标“—”的单元格不适用于该对象，请留空。"},
		{"6. 上传时整表校验：任何一行有误则全部不写入，系统列出每个有误的行和数据项，改正后重新上传即可。"},
		{"7. 与上期相比变化超过 3 倍的数值会被标记待核，但不会被拒绝。"},
		{""},
		{"数据项代码", "名称", "计量单位", "类型", "取值范围", "是否必填", "说明"},
	}
	for _, it := range g.Items {
		req := "否"
		if it.Required {
			req = "是"
		}
		lines = append(lines, []any{it.Code, it.Name, orNone(it.Measure), typeName(it.Type), rangeText(it), req, it.Description})
	}
	for i, l := range lines {
		if err := f.SetSheetRow(SheetInstructions, "A"+strconv.Itoa(i+1), &l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(SheetInstructions, "A", "A", 16); err != nil {
		return err
	}
	return f.SetColWidth(SheetInstructions, "B", "G", 18)
}
