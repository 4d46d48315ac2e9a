package scheme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// The sheets of a scheme workbook.
const (
	SheetInstructions = "说明"
	SheetScheme       = "方案"
	SheetIndicators   = "指标"
	// SheetRules holds the finding rules, one per row.
	SheetRules = "扣分规则"
	// WeightSheetPrefix starts the name of each category's weights sheet;
	// the category code is in cell B1.
	WeightSheetPrefix = "权重"
)

// maxSheetRows caps the rows read from a sheet.
const maxSheetRows = 5000

// Category names a category for the weights sheets.
type Category struct{ Code, Name string }

// column is a column of the indicators sheet.
type column struct {
	header string
	// number marks a numeric column.
	number bool
}

// indicatorColumns are the columns of the indicators sheet, in order.
var indicatorColumns = []column{
	{header: "编码"}, {header: "名称"}, {header: "上级编码"}, {header: "类型"}, {header: "计量单位"}, {header: "方向"},
	{header: "关键指标"}, {header: "引领性指标"}, {header: "数据项"}, {header: "计算公式"}, {header: "权重", number: true},
	{header: "赋权方法"}, {header: "判断矩阵"}, {header: "汇总方法"}, {header: "标准化方法"}, {header: "目标值", number: true},
	{header: "目标封顶"}, {header: "下限", number: true}, {header: "上限", number: true}, {header: "缩尾处理"},
	{header: "缺失值处理"}, {header: "分值上限", number: true}, {header: "评议来源"}, {header: "计票等次"}, {header: "说明"},
}

// ruleColumns are the columns of the rules sheet; 指标名称 is written for
// the reader and ignored on import.
var ruleColumns = []column{{header: "问题类别"}, {header: "严重程度"}, {header: "指标编码"}, {header: "指标名称"}, {header: "分值", number: true}}

// Column indexes of the rules sheet.
const (
	ruleColCategory = iota
	ruleColSeverity
	ruleColIndicator
	ruleColName
	ruleColPoints
)

// Column indexes of the indicators sheet.
const (
	colCode = iota
	colName
	colParent
	colKind
	colUnit
	colDirection
	colKey
	colLeading
	colItem
	colFormula
	colWeight
	colWeighting
	colAHP
	colAggregation
	colMethod
	colTarget
	colTargetCap
	colLow
	colHigh
	colWinsorise
	colMissing
	colCap
	colRatingSource
	colShare
	colDescription
)

// Labels in the workbook for the engine's enumerations.
var (
	kindLabels = map[string]string{"dimension": "维度", "quantitative": "定量", "qualitative": "定性", "bonus": "加分",
		"deduction": "扣分", "veto": "一票否决"}
	directionLabels   = map[string]string{"higher": "越高越好", "lower": "越低越好"}
	weightingLabels   = map[string]string{"expert": "专家赋权", "equal": "等权", "entropy": "熵权法", "critic": "CRITIC", "ahp": "层次分析法"}
	aggregationLabels = map[string]string{"arithmetic": "加权算术平均", "geometric": "加权几何平均"}
	methodLabels      = map[string]string{"minmax": "极差法", "target": "目标值法", "goalposts": "阈值法", "zscore": "Z分数", "rank": "排名百分位"}
	missingLabels     = map[string]string{"exclude": "剔除", "zero": "记零分", "mean": "均值插补", "median": "中位数插补"}
	sourceLabels      = map[string]string{"scores": "评分", "votes": "计票"}
	compositeLabels   = map[string]string{"tree": "指标树", "topsis": "TOPSIS"}
)

// schemeKeys are the rows of the scheme sheet, in order.
var schemeKeys = []string{"编码", "名称", "版本", "赋权方法", "判断矩阵", "汇总方法", "综合方法", "加分上限", "扣分上限", "最低数据覆盖率", "评议设置", "等次设置"}

func label(m map[string]string, v string) string {
	if l, ok := m[v]; ok {
		return l
	}
	return v
}

// unlabel maps a label or the code itself back to the code; "" stays "".
func unlabel(m map[string]string, v string) (string, bool) {
	if v == "" {
		return "", true
	}
	for code, l := range m {
		if v == l || v == code {
			return code, true
		}
	}
	return v, false
}

func labelList(m map[string]string) string {
	var ls []string
	for _, l := range m {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return strings.Join(ls, "、")
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return ""
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col+1, row)
	return c
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ExportExcel writes the bundle as a workbook: instructions, scheme
// settings, one row per indicator, and one weights sheet per category.
func (b *Bundle) ExportExcel(w io.Writer, categories []Category) error {
	f := excelize.NewFile()
	defer f.Close()
	doc := clone(b.Scheme)
	Canonicalise(doc)
	lib := map[string]*Indicator{}
	for k := range b.Library {
		lib[b.Library[k].Code] = &b.Library[k]
	}
	if err := f.SetSheetName("Sheet1", SheetInstructions); err != nil {
		return err
	}
	for r, line := range instructions {
		if err := f.SetCellStr(SheetInstructions, cellName(0, r+1), line); err != nil {
			return err
		}
	}
	f.SetColWidth(SheetInstructions, "A", "A", 120)

	// Scheme settings.
	f.NewSheet(SheetScheme)
	f.SetSheetRow(SheetScheme, "A1", &[]any{"项目", "值"})
	jsonOr := func(v any, empty bool) string {
		if empty {
			return ""
		}
		return js(v)
	}
	vals := []string{doc.Code, doc.Name, doc.Version, label(weightingLabels, string(doc.Weighting)), jsonOr(doc.AHP, len(doc.AHP) == 0),
		label(aggregationLabels, string(doc.Aggregation)), label(compositeLabels, string(doc.Composite)), "", "", "",
		jsonOr(doc.Rating, isZeroJSON(doc.Rating)), jsonOr(doc.Grading, isZeroJSON(doc.Grading))}
	for r, k := range schemeKeys {
		f.SetCellStr(SheetScheme, cellName(0, r+2), k)
		f.SetCellStr(SheetScheme, cellName(1, r+2), vals[r])
	}
	for r, v := range map[int]float64{7: doc.BonusCap, 8: doc.DeductionCap, 9: doc.MinAvailable} {
		if v != 0 {
			f.SetCellFloat(SheetScheme, cellName(1, r+2), v, -1, 64)
		}
	}
	f.SetColWidth(SheetScheme, "A", "A", 16)
	f.SetColWidth(SheetScheme, "B", "B", 60)

	// Indicators.
	f.NewSheet(SheetIndicators)
	for c, col := range indicatorColumns {
		f.SetCellStr(SheetIndicators, cellName(c, 1), col.header)
	}
	parents := parentSet(doc)
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		row := i + 2
		set := func(c int, v string) {
			if v != "" {
				f.SetCellStr(SheetIndicators, cellName(c, row), v)
			}
		}
		setNum := func(c int, v *float64) {
			if v != nil {
				f.SetCellFloat(SheetIndicators, cellName(c, row), *v, -1, 64)
			}
		}
		set(colCode, ind.Code)
		set(colName, ind.Name)
		set(colParent, ind.Parent)
		set(colKind, label(kindLabels, string(ind.Kind)))
		set(colUnit, ind.Unit)
		set(colDirection, label(directionLabels, string(ind.Direction)))
		set(colKey, yesNo(ind.Key))
		set(colLeading, yesNo(ind.Leading))
		if def, ok := lib[ind.Code]; ok && !parents[ind.Code] {
			set(colItem, def.DataItem)
			set(colFormula, def.Formula)
			set(colDescription, def.Description)
		}
		w := ind.Weight
		setNum(colWeight, &w)
		set(colWeighting, label(weightingLabels, string(ind.Weighting)))
		if len(ind.AHP) > 0 {
			set(colAHP, js(ind.AHP))
		}
		set(colAggregation, label(aggregationLabels, string(ind.Aggregation)))
		set(colMethod, label(methodLabels, string(ind.Normalise.Method)))
		setNum(colTarget, ind.Normalise.Target)
		set(colTargetCap, yesNo(ind.Normalise.Cap))
		setNum(colLow, ind.Normalise.Low)
		setNum(colHigh, ind.Normalise.High)
		set(colWinsorise, yesNo(ind.Winsorise))
		set(colMissing, label(missingLabels, string(ind.Missing)))
		if ind.Cap != 0 {
			c := ind.Cap
			setNum(colCap, &c)
		}
		set(colRatingSource, label(sourceLabels, string(ind.Rating.Source)))
		set(colShare, strings.Join(ind.Rating.Share, "、"))
	}
	f.SetColWidth(SheetIndicators, "A", "A", 14)
	f.SetColWidth(SheetIndicators, "B", "B", 30)
	f.SetColWidth(SheetIndicators, "J", "J", 30)

	// Finding rules.
	f.NewSheet(SheetRules)
	for c, col := range ruleColumns {
		f.SetCellStr(SheetRules, cellName(c, 1), col.header)
	}
	names := make(map[string]string, len(doc.Indicators))
	kinds := make(map[string]score.Kind, len(doc.Indicators))
	for i := range doc.Indicators {
		ind := &doc.Indicators[i]
		names[ind.Code], kinds[ind.Code] = ind.Name, kindOf(ind, parents[ind.Code])
	}
	for k, r := range doc.FindingRules {
		row := k + 2
		f.SetCellStr(SheetRules, cellName(ruleColCategory, row), label(categoryLabels, r.Category))
		f.SetCellStr(SheetRules, cellName(ruleColSeverity, row), label(severityLabels, r.Severity))
		f.SetCellStr(SheetRules, cellName(ruleColIndicator, row), r.Indicator)
		if n := names[r.Indicator]; n != "" {
			f.SetCellStr(SheetRules, cellName(ruleColName, row), n)
		}
		if kinds[r.Indicator] != score.KindVeto {
			f.SetCellFloat(SheetRules, cellName(ruleColPoints, row), r.Points, -1, 64)
		}
	}
	f.SetColWidth(SheetRules, "A", "C", 14)
	f.SetColWidth(SheetRules, "D", "D", 30)

	// Weights per category.
	used := map[string]bool{}
	for k, cat := range categories {
		name := sheetName(WeightSheetPrefix+"-"+cat.Name, k+1, used)
		f.NewSheet(name)
		f.SetSheetRow(name, "A1", &[]any{"类别编码", cat.Code, "类别名称", cat.Name})
		f.SetSheetRow(name, "A2", &[]any{"编码", "名称", "权重"})
		row := 3
		for i := range doc.Indicators {
			ind := &doc.Indicators[i]
			if !scored(kindOf(ind, parents[ind.Code])) {
				continue
			}
			f.SetCellStr(name, cellName(0, row), ind.Code)
			f.SetCellStr(name, cellName(1, row), ind.Name)
			f.SetCellFloat(name, cellName(2, row), expertWeight(ind, cat.Code), -1, 64)
			row++
		}
		f.SetColWidth(name, "B", "B", 30)
	}
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}

func isZeroJSON(v any) bool {
	s := js(v)
	return s == "{}" || s == "null"
}

// sheetName makes a valid, unique sheet name of at most 31 characters.
func sheetName(want string, k int, used map[string]bool) string {
	want = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, want)
	if utf8.RuneCountInString(want) > 31 {
		want = string([]rune(want)[:31])
	}
	if used[want] || want == SheetIndicators || want == SheetScheme || want == SheetInstructions || want == SheetRules {
		want = fmt.Sprintf("%s%d", WeightSheetPrefix, k)
	}
	used[want] = true
	return want
}

// instructions is the text of the instructions sheet.
var instructions = []string{
	"考核方案导入说明",
	"",
	"1. 本工作簿包含以下工作表：“方案”（方案整体设置）、“指标”（每行一个指标）、“权重-类别名称”（每个类别一张，列出该类别下的权重）。请勿修改工作表名称和表头。",
	"2. “指标”表：编码必填且不得重复；上级编码为空表示一级指标（维度、加分、扣分或一票否决项）。有下级指标的行是维度，不需要填写数据项。",
	"3. 末级指标（没有下级的行）取自指标库：指标库中已有的编码，其名称、单位、方向、类型须与指标库一致；新编码将随方案一并加入指标库。",
	"4. 定量指标须填写“数据项”（数据项编码）或“计算公式”（以数据项编码为变量，例如 (GDP_2 - GDP_1) / GDP_1 * 100），二者只填其一。",
	"5. 权重以百分数填写：同一上级下参与计分的下级指标权重之和必须为 100；各类别工作表中的权重同样须满足此要求。与“指标”表相同的权重视为未调整。",
	"6. 类型：" + labelList(kindLabels) + "；方向：" + labelList(directionLabels) + "；赋权方法：" + labelList(weightingLabels) + "。",
	"7. 汇总方法：" + labelList(aggregationLabels) + "；标准化方法：" + labelList(methodLabels) + "；缺失值处理：" + labelList(missingLabels) + "；评议来源：" + labelList(sourceLabels) + "。",
	"8. 判断矩阵（层次分析法）以 JSON 数组填写，例如 [[1,3],[0.3333,1]]，行列顺序与下级指标在“指标”表中的顺序一致，一致性比率 CR 须小于 0.1。",
	"9. 是否类栏目填“是”或留空；计票等次之间用顿号“、”分隔。“评议设置”“等次设置”以 JSON 填写，格式见文件格式说明。",
	"10. 请勿合并单元格，请勿使用公式，数值栏只填数字（不带 % 或单位）。导入时任何一处错误都会列出行号和列名，整个文件不会写入。",
	"11. “扣分规则”表：每行一条规则，规定一个问题类别、一个严重程度的问题线索计入哪个加分、扣分或一票否决项（填指标编码），以及每条计多少分。同一类别、同一严重程度只能有一条规则；计入一票否决项的规则不填分值（触发否决，不计分）。“指标名称”栏仅供查看，导入时不读取。各项的扣分上限在“指标”表的“分值上限”栏填写：上级扣分项的上限即该类扣分合计的上限；扣分总上限在“方案”表填写。",
	"12. 问题类别：" + labelsOf(categoryLabels, findingCategories) + "；严重程度：" + labelsOf(severityLabels, findingSeverities) + "。没有规则的类别和严重程度不计分，考核周期计分时会逐项提示。",
}

// excelError is an Invalid error at a cell of a sheet.
func excelError(sheet string, col, row int, header, format string, args ...any) *errs.Error {
	detail := fmt.Sprintf(format, args...)
	cell := ""
	msg := fmt.Sprintf("sheet %s: %s", sheet, detail)
	if row > 0 && col >= 0 {
		cell = cellName(col, row)
		msg = fmt.Sprintf("sheet %s, cell %s (%s): %s", sheet, cell, header, detail)
	} else if row > 0 {
		msg = fmt.Sprintf("sheet %s, row %d: %s", sheet, row, detail)
	}
	e := errs.New(errs.Invalid, "scheme.import.cell_invalid", msg)
	e.Row, e.Field = row, header
	e.Args = map[string]any{"sheet": sheet, "cell": cell, "column": header, "detail": detail}
	return e
}

// keyed gives a cell error its own message key and arguments, so that the
// interface says what is wrong in the user's language.
func keyed(e *errs.Error, key string, kv ...any) *errs.Error {
	e.Key = key
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		e.Args[name] = kv[i+1]
	}
	return e
}

// ParseExcel reads a scheme workbook as ExportExcel writes it. Every
// problem is reported with its sheet, row and column; merged cells,
// formulas and text in numeric cells are errors.
func ParseExcel(data []byte) (*Bundle, error) {
	if len(data) > MaxImport {
		return nil, excelError("", -1, 0, "", "the file is larger than %d MiB", MaxImport>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		e := errs.New(errs.Invalid, "scheme.import.not_xlsx", "the file is not an Excel workbook (.xlsx): "+err.Error())
		return nil, e
	}
	defer f.Close()
	p := &excelParser{f: f}
	return p.parse()
}

type excelParser struct {
	f *excelize.File
	l errs.List
}

func (p *excelParser) add(e *errs.Error) {
	if len(p.l) < 100 {
		p.l.Add(e)
	}
}

// rows reads a sheet's raw cell values after checking it for merged cells
// and formulas.
func (p *excelParser) rows(sheet string) [][]string {
	merged, err := p.f.GetMergeCells(sheet, true)
	if err != nil {
		p.add(excelError(sheet, -1, 0, "", "cannot read: %v", err))
		return nil
	}
	for _, m := range merged {
		col, row, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		p.add(keyed(excelError(sheet, col-1, row, "", "merged cells %s:%s are not allowed; unmerge them", m.GetStartAxis(), m.GetEndAxis()),
			"scheme.import.merged", "range", m.GetStartAxis()+":"+m.GetEndAxis()))
	}
	rows, err := p.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		p.add(excelError(sheet, -1, 0, "", "cannot read: %v", err))
		return nil
	}
	if len(rows) > maxSheetRows {
		p.add(excelError(sheet, -1, 0, "", "more than %d rows", maxSheetRows))
		return nil
	}
	for r, row := range rows {
		for c := range row {
			if len(row[c]) > 10000 {
				p.add(excelError(sheet, c, r+1, "", "the cell holds more than 10000 characters"))
				row[c] = ""
			}
		}
	}
	// Formulas: a cell with one is rejected even when its cached value looks fine.
	for r, row := range rows {
		for c := range row {
			if fm, _ := p.f.GetCellFormula(sheet, cellName(c, r+1)); fm != "" {
				p.add(keyed(excelError(sheet, c, r+1, "", "formulas are not allowed (=%s); enter the value", fm), "scheme.import.formula"))
			}
		}
	}
	if len(merged) > 0 {
		return nil
	}
	return rows
}

// header checks the header row of a sheet against its columns and
// reports the first that differs.
func (p *excelParser) header(sheet string, row []string, cols []column) bool {
	for c, col := range cols {
		if got := cell(row, c); got != col.header {
			p.add(keyed(excelError(sheet, c, 1, col.header, "header %q, want %q: use the scheme template", got, col.header),
				"scheme.import.header", "value", got, "want", col.header))
			return false
		}
	}
	return true
}

// extraCells reports values right of a sheet's columns on row rn.
func (p *excelParser) extraCells(sheet string, row []string, rn, ncols int) {
	for c := ncols; c < len(row); c++ {
		if strings.TrimSpace(row[c]) != "" {
			p.add(excelError(sheet, c, rn, "", "a value outside the table's columns"))
		}
	}
}

func cell(row []string, c int) string {
	if c < len(row) {
		return strings.TrimSpace(row[c])
	}
	return ""
}

func (p *excelParser) parse() (*Bundle, error) {
	sheets := p.f.GetSheetList()
	if !slices.Contains(sheets, SheetIndicators) {
		e := errs.New(errs.Invalid, "scheme.import.sheet_missing",
			fmt.Sprintf("sheet %q not found (the workbook has %s); use the scheme template", SheetIndicators, strings.Join(sheets, ", ")))
		e.Args = map[string]any{"sheet": SheetIndicators, "sheets": strings.Join(sheets, ", ")}
		return nil, e
	}
	doc := &score.Scheme{}
	if slices.Contains(sheets, SheetScheme) {
		p.schemeSheet(doc)
	}
	b := &Bundle{Scheme: doc}
	rowOf := p.indicatorSheet(b)
	if len(p.l) > 0 {
		return nil, p.l
	}
	for _, name := range sheets {
		if strings.HasPrefix(name, WeightSheetPrefix) {
			p.weightSheet(name, doc)
		}
	}
	var ruleRows map[[2]string]int
	if slices.Contains(sheets, SheetRules) {
		ruleRows = p.rulesSheet(doc)
	}
	if len(p.l) > 0 {
		return nil, p.l
	}
	Canonicalise(doc)
	// Each error names the row of the rule or indicator it is about.
	if l := checkDocument(doc); len(l) > 0 {
		for _, e := range l {
			sheet, r := SheetIndicators, 0
			if k, ok := e.Args["rule"].(int); ok && k-1 < len(doc.FindingRules) {
				rule := doc.FindingRules[k-1]
				sheet, r = SheetRules, ruleRows[[2]string{rule.Category, rule.Severity}]
			} else if code, _ := e.Args["indicator"].(string); rowOf[code] > 0 {
				r = rowOf[code]
			}
			if r > 0 {
				e.Row = r
				e.Args["sheet"] = sheet
				e.Msg = fmt.Sprintf("sheet %s, row %d: %s", sheet, r, e.Msg)
			}
		}
		return nil, l
	}
	return b, nil
}

func (p *excelParser) schemeSheet(doc *score.Scheme) {
	rows := p.rows(SheetScheme)
	for r, row := range rows {
		if r == 0 {
			continue
		}
		key, val := cell(row, 0), cell(row, 1)
		rn := r + 1
		if key == "" && val == "" {
			continue
		}
		enum := func(m map[string]string) string {
			v, ok := unlabel(m, val)
			if !ok {
				p.add(keyed(excelError(SheetScheme, 1, rn, key, "%q is not one of %s", val, labelList(m)), "scheme.import.not_enum", "value", val, "allowed", labelList(m)))
			}
			return v
		}
		number := func() float64 {
			if val == "" {
				return 0
			}
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || !finite(x) {
				p.add(keyed(excelError(SheetScheme, 1, rn, key, "%q is not a number", val), "scheme.import.not_number", "value", val))
			}
			return x
		}
		jsonInto := func(v any) {
			if val == "" {
				return
			}
			dec := json.NewDecoder(strings.NewReader(val))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				p.add(excelError(SheetScheme, 1, rn, key, "not valid JSON: %v", err))
			}
		}
		switch key {
		case "编码":
			doc.Code = val
		case "名称":
			doc.Name = val
		case "版本":
			doc.Version = val
		case "赋权方法":
			doc.Weighting = score.Weighting(enum(weightingLabels))
		case "判断矩阵":
			jsonInto(&doc.AHP)
		case "汇总方法":
			doc.Aggregation = score.Aggregation(enum(aggregationLabels))
		case "综合方法":
			doc.Composite = score.Composite(enum(compositeLabels))
		case "加分上限":
			doc.BonusCap = number()
		case "扣分上限":
			doc.DeductionCap = number()
		case "最低数据覆盖率":
			doc.MinAvailable = number()
		case "评议设置":
			jsonInto(&doc.Rating)
		case "等次设置":
			jsonInto(&doc.Grading)
		default:
			p.add(excelError(SheetScheme, 0, rn, "项目", "unknown setting %q (want one of %s)", key, strings.Join(schemeKeys, "、")))
		}
	}
}

// indicatorSheet reads the indicator rows into b and returns the row of
// each code.
func (p *excelParser) indicatorSheet(b *Bundle) map[string]int {
	rows := p.rows(SheetIndicators)
	rowOf := map[string]int{}
	if len(rows) == 0 {
		if len(p.l) == 0 {
			p.add(excelError(SheetIndicators, -1, 1, "", "the sheet is empty; it needs the header row and one row per indicator"))
		}
		return rowOf
	}
	if !p.header(SheetIndicators, rows[0], indicatorColumns) {
		return rowOf
	}
	doc := b.Scheme
	type pending struct {
		ind  Indicator
		row  int
		leaf bool
	}
	var defs []pending
	for r := 1; r < len(rows); r++ {
		row, rn := rows[r], r+1
		if strings.Join(row, "") == "" {
			continue
		}
		p.extraCells(SheetIndicators, row, rn, len(indicatorColumns))
		get := func(c int) string { return cell(row, c) }
		enum := func(c int, m map[string]string) string {
			v, ok := unlabel(m, get(c))
			if !ok {
				p.add(keyed(excelError(SheetIndicators, c, rn, indicatorColumns[c].header, "%q is not one of %s", get(c), labelList(m)),
					"scheme.import.not_enum", "value", get(c), "allowed", labelList(m)))
			}
			return v
		}
		number := func(c int) *float64 {
			s := get(c)
			if s == "" {
				return nil
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || !finite(x) {
				p.add(keyed(excelError(SheetIndicators, c, rn, indicatorColumns[c].header, "%q is not a number", s), "scheme.import.not_number", "value", s))
				return nil
			}
			return &x
		}
		flag := func(c int) bool {
			switch get(c) {
			case "", "否", "false", "FALSE", "0":
				return false
			case "是", "true", "TRUE", "1":
				return true
			}
			p.add(excelError(SheetIndicators, c, rn, indicatorColumns[c].header, "%q is not 是 or empty", get(c)))
			return false
		}
		ind := score.Indicator{Code: get(colCode), Name: get(colName), Parent: get(colParent),
			Kind: score.Kind(enum(colKind, kindLabels)), Unit: get(colUnit),
			Direction: score.Direction(enum(colDirection, directionLabels)), Key: flag(colKey), Leading: flag(colLeading),
			Weighting: score.Weighting(enum(colWeighting, weightingLabels)), Aggregation: score.Aggregation(enum(colAggregation, aggregationLabels)),
			Winsorise: flag(colWinsorise), Missing: score.Missing(enum(colMissing, missingLabels))}
		if ind.Code == "" {
			p.add(excelError(SheetIndicators, colCode, rn, "编码", "the code is required"))
			continue
		}
		if prev, dup := rowOf[ind.Code]; dup {
			p.add(keyed(excelError(SheetIndicators, colCode, rn, "编码", "code %q is also on row %d", ind.Code, prev), "scheme.import.duplicate", "value", ind.Code, "other", prev))
			continue
		}
		rowOf[ind.Code] = rn
		if w := number(colWeight); w != nil {
			ind.Weight = *w
		}
		if s := get(colAHP); s != "" {
			if err := json.Unmarshal([]byte(s), &ind.AHP); err != nil {
				p.add(excelError(SheetIndicators, colAHP, rn, "判断矩阵", "not a JSON matrix such as [[1,3],[0.3333,1]]: %v", err))
			}
		}
		ind.Normalise = score.Normalisation{Method: score.Method(enum(colMethod, methodLabels)), Target: number(colTarget),
			Cap: flag(colTargetCap), Low: number(colLow), High: number(colHigh)}
		if c := number(colCap); c != nil {
			ind.Cap = *c
		}
		ind.Rating.Source = score.RatingSource(enum(colRatingSource, sourceLabels))
		if s := get(colShare); s != "" {
			ind.Rating.Share = strings.Split(s, "、")
		}
		doc.Indicators = append(doc.Indicators, ind)
		defs = append(defs, pending{row: rn, ind: Indicator{Code: ind.Code, Name: ind.Name, Unit: ind.Unit,
			Direction: ind.Direction, Kind: ind.Kind, DataItem: get(colItem), Formula: get(colFormula),
			Key: ind.Key, Leading: ind.Leading, Description: get(colDescription)}})
	}
	if len(doc.Indicators) == 0 && len(p.l) == 0 {
		p.add(excelError(SheetIndicators, -1, 2, "", "no indicator rows"))
	}
	parents := parentSet(doc)
	for _, d := range defs {
		if parents[d.ind.Code] {
			if d.ind.DataItem != "" || d.ind.Formula != "" {
				p.add(excelError(SheetIndicators, colItem, d.row, "数据项", "%s has lower-level indicators, so it takes no data item or formula", d.ind.Code))
			}
			continue
		}
		if err := d.ind.Validate(); err != nil {
			var e *errs.Error
			if errors.As(err, &e) {
				c := map[string]int{"code": colCode, "name": colName, "unit": colUnit, "direction": colDirection, "kind": colKind,
					"data_item": colItem, "formula": colFormula, "description": colDescription}[e.Field]
				p.add(excelError(SheetIndicators, c, d.row, indicatorColumns[c].header, "%s", e.Msg))
			}
			continue
		}
		b.Library = append(b.Library, d.ind)
		b.Rows = append(b.Rows, d.row)
	}
	return rowOf
}

// weightSheet reads one category's weights into the document.
func (p *excelParser) weightSheet(name string, doc *score.Scheme) {
	rows := p.rows(name)
	if len(rows) == 0 {
		return
	}
	code := cell(rows[0], 1)
	if cell(rows[0], 0) != "类别编码" || code == "" {
		p.add(excelError(name, 1, 1, "类别编码", "cell A1 must say 类别编码 and B1 hold the category code"))
		return
	}
	if len(rows) < 2 || cell(rows[1], 0) != "编码" || cell(rows[1], 2) != "权重" {
		p.add(excelError(name, 0, 2, "编码", "row 2 must be the header 编码, 名称, 权重"))
		return
	}
	index := indexOf(doc)
	seen := map[string]int{}
	for r := 2; r < len(rows); r++ {
		row, rn := rows[r], r+1
		ic, ws := cell(row, 0), cell(row, 2)
		if ic == "" && ws == "" {
			continue
		}
		i, ok := index[ic]
		if !ok {
			p.add(keyed(excelError(name, 0, rn, "编码", "indicator %q is not on sheet %s", ic, SheetIndicators), "scheme.import.unknown_indicator", "value", ic))
			continue
		}
		if prev, dup := seen[ic]; dup {
			p.add(keyed(excelError(name, 0, rn, "编码", "indicator %q is also on row %d", ic, prev), "scheme.import.duplicate", "value", ic, "other", prev))
			continue
		}
		seen[ic] = rn
		if ws == "" {
			continue
		}
		w, err := strconv.ParseFloat(ws, 64)
		if err != nil || !finite(w) || w < 0 || math.IsNaN(w) {
			p.add(keyed(excelError(name, 2, rn, "权重", "%q is not a non-negative number", ws), "scheme.import.not_number", "value", ws))
			continue
		}
		ind := &doc.Indicators[i]
		if ind.Weights == nil {
			ind.Weights = map[string]float64{}
		}
		ind.Weights[code] = w
	}
}

// rulesSheet reads the finding rules into the document and returns the
// row of each rule by category and severity. A rule must name a category
// and a severity (label or code), an indicator of the 指标 sheet that is a
// bonus, deduction or veto item, and its points (none for a veto); a
// second rule for the same category and severity is an error.
func (p *excelParser) rulesSheet(doc *score.Scheme) map[[2]string]int {
	rows := p.rows(SheetRules)
	rowOf := map[[2]string]int{}
	if len(rows) == 0 {
		return rowOf
	}
	if !p.header(SheetRules, rows[0], ruleColumns) {
		return rowOf
	}
	parents := parentSet(doc)
	kinds := make(map[string]score.Kind, len(doc.Indicators))
	for i := range doc.Indicators {
		kinds[doc.Indicators[i].Code] = kindOf(&doc.Indicators[i], parents[doc.Indicators[i].Code])
	}
	for r := 1; r < len(rows); r++ {
		row, rn := rows[r], r+1
		if strings.Join(row, "") == "" {
			continue
		}
		p.extraCells(SheetRules, row, rn, len(ruleColumns))
		get := func(c int) string { return cell(row, c) }
		ok := true
		code := func(c int, labels map[string]string, codes []string) string {
			v := get(c)
			if v == "" {
				p.add(keyed(excelError(SheetRules, c, rn, ruleColumns[c].header, "required"), "scheme.import.required"))
				ok = false
				return ""
			}
			got, known := unlabel(labels, v)
			if !known {
				allowed := labelsOf(labels, codes)
				p.add(keyed(excelError(SheetRules, c, rn, ruleColumns[c].header, "%q is not one of %s", v, allowed),
					"scheme.import.not_enum", "value", v, "allowed", allowed))
				ok = false
			}
			return got
		}
		rule := score.FindingRule{Category: code(ruleColCategory, categoryLabels, findingCategories),
			Severity: code(ruleColSeverity, severityLabels, findingSeverities), Indicator: get(ruleColIndicator)}
		kind, known := kinds[rule.Indicator]
		switch {
		case rule.Indicator == "":
			p.add(keyed(excelError(SheetRules, ruleColIndicator, rn, "指标编码", "required"), "scheme.import.required"))
			ok = false
		case !known:
			p.add(keyed(excelError(SheetRules, ruleColIndicator, rn, "指标编码", "indicator %q is not on sheet %s", rule.Indicator, SheetIndicators),
				"scheme.import.unknown_indicator", "value", rule.Indicator))
			ok = false
		case kind != score.KindBonus && kind != score.KindDeduction && kind != score.KindVeto:
			p.add(keyed(excelError(SheetRules, ruleColIndicator, rn, "指标编码", "%s is a %s indicator; a rule counts on a bonus, deduction or veto item", rule.Indicator, kind),
				"scheme.import.rule_kind", "value", rule.Indicator, "kind", label(kindLabels, string(kind))))
			ok = false
		}
		if pts := get(ruleColPoints); pts != "" && kind != score.KindVeto {
			x, err := strconv.ParseFloat(pts, 64)
			if err != nil || !finite(x) || x < 0 {
				p.add(keyed(excelError(SheetRules, ruleColPoints, rn, "分值", "%q is not a non-negative number", pts), "scheme.import.points_invalid", "value", pts))
				ok = false
			}
			rule.Points = x
		} else if pts == "" && known && kind != score.KindVeto {
			p.add(keyed(excelError(SheetRules, ruleColPoints, rn, "分值", "the points of a bonus or deduction rule are required"), "scheme.import.required"))
			ok = false
		}
		if !ok {
			continue
		}
		key := [2]string{rule.Category, rule.Severity}
		if prev, dup := rowOf[key]; dup {
			p.add(keyed(excelError(SheetRules, ruleColSeverity, rn, "严重程度", "a second rule for %s·%s (also row %d)", get(ruleColCategory), get(ruleColSeverity), prev),
				"scheme.import.rule_duplicate", "category", label(categoryLabels, rule.Category), "severity", label(severityLabels, rule.Severity), "other", prev))
			continue
		}
		rowOf[key] = rn
		doc.FindingRules = append(doc.FindingRules, rule)
	}
	return rowOf
}
