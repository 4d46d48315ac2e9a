package collect

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Row is one value as a submission carries it, before validation: all
// text, as typed in a form, a cell or a CSV field.
type Row struct {
	// Line is the row's place in its source: the line of a CSV, the row of
	// a sheet, the index+1 of a JSON array or a grid row. Errors name it.
	Line int
	// Cell is the cell of a wide sheet ("D7"), "" elsewhere.
	Cell string
	// Entity is the entity's code: a unit's code (910102), or
	// "person:<id>" for a person.
	Entity string
	Item   string
	Period string
	// Value is the value as written; blank is no value.
	Value string
	// Unit is the unit of measure given beside the value, "" for none.
	Unit string
	// Reason explains a correction of an existing value.
	Reason string
}

// Batch is one submission: a saved grid, an uploaded file, an API call.
type Batch struct {
	Source Source
	// Name is the uploaded file's name, for the audit record.
	Name string
	// Period, when set, is the period every row must have.
	Period string
	Rows   []Row
	// Converted notes a conversion of the source (e.g. "GBK→UTF-8") for
	// the report.
	Converted string
	// Refused are the cells the reader of the file refused (a formula,
	// merged cells): Submit reports them with the rows' own errors, so that
	// one upload names every bad cell, and writes nothing.
	Refused errs.List
}

// Report tells what a submission did.
type Report struct {
	// Rows counts the rows read.
	Rows int
	// Inserted counts first values; Corrected new versions of existing
	// ones; Unchanged rows equal to the current value; Skipped blank cells
	// of optional items.
	Inserted, Corrected, Unchanged, Skipped int
	// Flagged counts values far from the previous period; Flags lists the
	// first MaxFlags of them.
	Flagged int
	Flags   []Flag
	// Converted repeats Batch.Converted.
	Converted string
	// BatchID identifies the submission in the audit log.
	BatchID int64
}

// Flag is a value far from the entity's value of the previous period.
type Flag struct {
	Line         int
	Cell         string
	Entity, Item string
	Period       string
	Value, Prev  float64
}

// Limits of reports.
const (
	// MaxErrors is how many bad rows a rejected submission lists; a last
	// error counts the rest.
	MaxErrors = 200
	// MaxFlags is how many flagged values a report lists.
	MaxFlags = 200
	// MaxRows is the most rows one submission may carry.
	MaxRows = 5_000_000
)

// collector gathers row errors up to MaxErrors and counts the rest.
type collector struct {
	list  errs.List
	total int
}

func (c *collector) add(r *Row, e *errs.Error) {
	c.total++
	if len(c.list) >= MaxErrors {
		return
	}
	e.Row = r.Line
	if r.Cell != "" {
		if e.Args == nil {
			e.Args = map[string]any{}
		}
		e.Args["cell"] = r.Cell
		e.Field = r.Item
	}
	c.list.Add(e)
}

func (c *collector) err() error {
	if c.total == 0 {
		return nil
	}
	if c.total > len(c.list) {
		n := c.total - len(c.list)
		e := errs.New(errs.Invalid, "collect.import.more_errors", fmt.Sprintf("and %d more errors", n))
		e.Args = map[string]any{"n": n}
		c.list.Add(e)
	}
	return c.list
}

func rowError(key, msg, field string, args map[string]any) *errs.Error {
	e := errs.Field(field, key, msg)
	e.Args = args
	return e
}

// entity is a resolved entity of a submission.
type entity struct {
	id    int64
	kind  EntityKind
	code  string
	name  string
	path  string // the unit's, or the unit of a person's primary post
	ukind org.Kind
	level org.Level
}

// key identifies a value of a submission: entity, item index, period index.
type key struct {
	ent  int64
	item int32
	per  int32
}

// rec is a valid row ready to write.
type rec struct {
	row     int32 // index into Batch.Rows
	key     key
	value   float64
	version int32
	flagged bool
	// prevID is the current version this row supersedes, 0 for none.
	prevID int64
}

// existing is the current version of a stored value.
type existing struct {
	id      int64
	version int32
	value   float64
}

// plan is a validated submission.
type plan struct {
	batch   *Batch
	items   []*Item
	periods []string
	ents    map[string]*entity
	recs    []rec
	groups  []group
	rep     Report
}

// Submit validates a batch and writes it whole, or writes nothing and
// returns every bad row (errs.List, up to MaxErrors). The actor needs
// ActValueSubmit on the owner of every item: a provider submits only the
// items of its own department, for the entities of that department's
// jurisdiction. A row for a value that exists is a correction and needs a
// reason, unless it repeats the current value (then it is unchanged).
func (s *Service) Submit(ctx context.Context, a *auth.Actor, b Batch) (*Report, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if !b.Source.Valid() || b.Source.System() {
		return nil, errs.Field("source", "collect.import.source_invalid", fmt.Sprintf("source %q is not form, excel, csv or api", b.Source))
	}
	if len(b.Rows) == 0 {
		return nil, errs.New(errs.Invalid, "collect.import.empty", "there are no values to submit")
	}
	if len(b.Rows) > MaxRows {
		e := errs.New(errs.Invalid, "collect.import.too_many", fmt.Sprintf("a submission holds at most %d rows", MaxRows))
		e.Args = map[string]any{"max": MaxRows}
		return nil, e
	}
	var rep *Report
	err := s.bulkTx(ctx, func(tx *db.Tx, c *conn) error {
		p, err := s.prepare(ctx, tx, a, &b, true)
		if err != nil {
			return err
		}
		if err := p.write(ctx, tx, c, a, s.first); err != nil {
			return err
		}
		rep = &p.rep
		return p.record(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// prepare resolves and validates every row of b. With owners, the actor
// must be able to submit every item (ActValueSubmit on its owner); without,
// the caller has authorized the rows itself (Correct).
func (s *Service) prepare(ctx context.Context, tx *db.Tx, a *auth.Actor, b *Batch, owners bool) (*plan, error) {
	p := &plan{batch: b, ents: map[string]*entity{}}
	p.rep.Rows = len(b.Rows)
	p.rep.Converted = b.Converted
	var bad collector
	for _, e := range b.Refused {
		bad.add(&Row{Line: e.Row}, e)
	}

	// Items, and who may submit them.
	itemIdx := map[string]int32{}
	var codes []string
	for i := range b.Rows {
		c := b.Rows[i].Item
		if _, ok := itemIdx[c]; !ok {
			itemIdx[c] = -1
			codes = append(codes, c)
		}
	}
	byCode, err := itemsByCode(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	var foreign errs.List
	for _, c := range codes {
		it := byCode[c]
		if it == nil {
			continue
		}
		if owners && s.pol.Authorize(a, auth.ActValueSubmit, it.OwnerPath) != nil {
			foreign.Add(foreignItem(b, it))
			continue
		}
		itemIdx[c] = int32(len(p.items))
		p.items = append(p.items, it)
	}
	if len(foreign) > 0 {
		return nil, foreign
	}

	// Entities.
	if err := p.resolveEntities(ctx, tx); err != nil {
		return nil, err
	}

	// Rows.
	perIdx := map[string]int32{}
	p.recs = make([]rec, 0, len(b.Rows))
	for i := range b.Rows {
		r := &b.Rows[i]
		ii, known := itemIdx[r.Item]
		if !known || ii < 0 {
			f := "item"
			if r.Item == "" {
				bad.add(r, rowError("collect.row.item_required", "the data item code is missing", f, nil))
			} else {
				bad.add(r, rowError("collect.row.item_unknown", fmt.Sprintf("there is no data item %q", r.Item), f,
					map[string]any{"item": r.Item}))
			}
			continue
		}
		it := p.items[ii]
		e := p.ents[r.Entity]
		switch {
		case r.Entity == "":
			bad.add(r, rowError("collect.row.entity_required", "the entity code is missing", "entity", nil))
			continue
		case e == nil:
			bad.add(r, rowError("collect.row.entity_unknown", fmt.Sprintf("there is no unit or person %q", r.Entity), "entity",
				map[string]any{"entity": r.Entity}))
			continue
		case !covers(it, e) && r.Cell != "" && blank(r.Value):
			// A blank cell of a template where the item does not apply.
			p.rep.Skipped++
			continue
		case !covers(it, e):
			bad.add(r, rowError("collect.row.entity_outside",
				fmt.Sprintf("%s %s is not among the entities data item %s is collected for", e.code, e.name, it.Code), "entity",
				map[string]any{"entity": e.code, "name": e.name, "item": it.Code}))
			continue
		}
		pi, ok := perIdx[r.Period]
		if !ok {
			pi = int32(len(p.periods))
			perIdx[r.Period] = pi
			p.periods = append(p.periods, r.Period)
		}
		if !ValidPeriod(it.Frequency, r.Period) {
			bad.add(r, rowError("collect.row.period_invalid",
				fmt.Sprintf("period %q is not a period of frequency %s (e.g. %s)", r.Period, it.Frequency, periodExample[it.Frequency]), "period",
				map[string]any{"period": r.Period, "example": periodExample[it.Frequency]}))
			continue
		}
		if b.Period != "" && r.Period != b.Period {
			bad.add(r, rowError("collect.row.period_other", fmt.Sprintf("period %s is not the period %s of this submission", r.Period, b.Period),
				"period", map[string]any{"period": r.Period, "want": b.Period}))
			continue
		}
		if r.Unit != "" && r.Unit != it.Measure && !(r.Unit == "%" && it.Type == TypePercent) {
			bad.add(r, rowError("collect.row.unit_mismatch", fmt.Sprintf("unit %s given, but data item %s is measured in %s", r.Unit, it.Code, orNone(it.Measure)),
				"unit", map[string]any{"unit": r.Unit, "measure": orNone(it.Measure), "item": it.Code}))
			continue
		}
		if blank(r.Value) {
			if it.Required {
				bad.add(r, rowError("collect.value.required", fmt.Sprintf("a value of %s is required", it.Code), "value",
					map[string]any{"item": it.Code}))
			} else {
				p.rep.Skipped++
			}
			continue
		}
		v, verr := it.ParseValue(r.Value)
		if verr != nil {
			bad.add(r, verr)
			continue
		}
		p.recs = append(p.recs, rec{row: int32(i), key: key{e.id, ii, pi}, value: v, version: 1})
	}
	// Group by item and period in index order; a key twice is an error.
	p.groupRecs()
	p.dedupe(&bad)
	if err := bad.err(); err != nil {
		return nil, err
	}

	// Existing values: a row for one is a correction, or unchanged.
	kept := p.recs[:0]
	for _, g := range p.groups {
		cur := map[int64]existing{}
		err := loadCurrent(ctx, tx, p.items[g.item].Code, p.periods[g.per], func(ent int64, x existing) { cur[ent] = x })
		if err != nil {
			return nil, err
		}
		for _, rc := range p.recs[g.from:g.to] {
			r := &b.Rows[rc.row]
			if old, ok := cur[rc.key.ent]; ok {
				if old.value == rc.value && (strings.TrimSpace(r.Reason) == "" || b.Source.System()) {
					p.rep.Unchanged++
					continue
				}
				if strings.TrimSpace(r.Reason) == "" {
					bad.add(r, rowError("collect.row.reason_required",
						fmt.Sprintf("%s already has the value %v for %s; a correction needs a reason", r.Entity, old.value, r.Period), "reason",
						map[string]any{"entity": r.Entity, "old": old.value, "period": r.Period}))
					continue
				}
				if e := errs.CheckText("reason", "collect.row.reason", "reason", strings.TrimSpace(r.Reason), 500, true); e != nil {
					bad.add(r, e)
					continue
				}
				rc.version, rc.prevID = old.version+1, old.id
				p.rep.Corrected++
			} else {
				p.rep.Inserted++
			}
			kept = append(kept, rc)
		}
	}
	p.recs = kept
	if err := bad.err(); err != nil {
		return nil, err
	}
	p.regroup()

	// Flags against the previous period: from this batch, else stored.
	if err := p.flag(ctx, tx, perIdx); err != nil {
		return nil, err
	}
	return p, nil
}

// group is the rows of one item and period: recs[from:to], by entity.
type group struct {
	item, per int32
	from, to  int
}

// groupRecs orders recs by item code, period and entity — the order of
// the data_values_key index, so that inserting them appends to the index
// instead of scattering over it — and splits them into groups. A counting
// sort by group, then a sort by entity within each.
func (p *plan) groupRecs() {
	nPer := int32(len(p.periods))
	itemRank := ranks(len(p.items), func(a, b int) int { return strings.Compare(p.items[a].Code, p.items[b].Code) })
	perRank := ranks(len(p.periods), func(a, b int) int { return strings.Compare(p.periods[a], p.periods[b]) })
	gid := func(k key) int32 { return itemRank[k.item]*nPer + perRank[k.per] }
	count := make([]int, int(nPer)*len(p.items)+1)
	for _, rc := range p.recs {
		count[gid(rc.key)+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	sorted := make([]rec, len(p.recs))
	next := slices.Clone(count)
	for _, rc := range p.recs {
		g := gid(rc.key)
		sorted[next[g]] = rc
		next[g]++
	}
	p.recs = sorted
	for g := 0; g+1 < len(count); g++ {
		part := p.recs[count[g]:count[g+1]]
		if !slices.IsSortedFunc(part, byEntity) {
			slices.SortFunc(part, byEntity)
		}
	}
	p.regroup()
}

func byEntity(a, b rec) int {
	if c := cmp.Compare(a.key.ent, b.key.ent); c != 0 {
		return c
	}
	return cmp.Compare(a.row, b.row)
}

// ranks returns the rank of each of n things in the order cmp gives.
func ranks(n int, cmpf func(a, b int) int) []int32 {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, cmpf)
	out := make([]int32, n)
	for r, i := range order {
		out[i] = int32(r)
	}
	return out
}

// regroup finds the groups of the ordered recs.
func (p *plan) regroup() {
	p.groups = p.groups[:0]
	for i := 0; i < len(p.recs); {
		k := p.recs[i].key
		j := i + 1
		for j < len(p.recs) && p.recs[j].key.item == k.item && p.recs[j].key.per == k.per {
			j++
		}
		p.groups = append(p.groups, group{item: k.item, per: k.per, from: i, to: j})
		i = j
	}
}

// dedupe reports every row whose entity, item and period an earlier row
// already has.
func (p *plan) dedupe(bad *collector) {
	b := p.batch
	for _, g := range p.groups {
		part := p.recs[g.from:g.to]
		for i := 1; i < len(part); i++ {
			if part[i].key.ent != part[i-1].key.ent {
				continue
			}
			first := i - 1
			for first > 0 && part[first-1].key.ent == part[i].key.ent {
				first--
			}
			r, line := &b.Rows[part[i].row], b.Rows[part[first].row].Line
			e := p.ents[r.Entity]
			bad.add(r, rowError("collect.row.duplicate", fmt.Sprintf("a second value for %s, %s, %s (first on row %d)", e.code, r.Item, r.Period, line),
				"entity", map[string]any{"entity": e.code, "item": r.Item, "period": r.Period, "first": line}))
		}
	}
	slices.SortStableFunc(bad.list, func(a, b *errs.Error) int { return cmp.Compare(a.Row, b.Row) })
}

// flag marks the values far from the entity's value of the previous
// period: the batch's own, else the stored current one.
func (p *plan) flag(ctx context.Context, tx *db.Tx, perIdx map[string]int32) error {
	b := p.batch
	groupOf := map[[2]int32]int{}
	for i, g := range p.groups {
		groupOf[[2]int32{g.item, g.per}] = i
	}
	for _, g := range p.groups {
		it := p.items[g.item]
		pp := PrevPeriod(it.Frequency, p.periods[g.per])
		if pp == "" {
			continue
		}
		var inBatch []rec
		if pi, ok := perIdx[pp]; ok {
			if gi, ok := groupOf[[2]int32{g.item, pi}]; ok {
				inBatch = p.recs[p.groups[gi].from:p.groups[gi].to]
			}
		}
		stored := map[int64]float64{}
		err := loadCurrent(ctx, tx, it.Code, pp, func(ent int64, x existing) { stored[ent] = x.value })
		if err != nil {
			return err
		}
		if len(inBatch) == 0 && len(stored) == 0 {
			continue
		}
		for i := g.from; i < g.to; i++ {
			rc := &p.recs[i]
			pv, ok := stored[rc.key.ent]
			if j, in := slices.BinarySearchFunc(inBatch, rc.key.ent, func(r rec, ent int64) int { return cmp.Compare(r.key.ent, ent) }); in {
				pv, ok = inBatch[j].value, true
			}
			if !ok || !Far(pv, rc.value) {
				continue
			}
			rc.flagged = true
			p.rep.Flagged++
			if len(p.rep.Flags) < MaxFlags {
				r := &b.Rows[rc.row]
				p.rep.Flags = append(p.rep.Flags, Flag{Line: r.Line, Cell: r.Cell, Entity: r.Entity, Item: it.Code,
					Period: r.Period, Value: rc.value, Prev: pv})
			}
		}
	}
	slices.SortFunc(p.rep.Flags, func(a, b Flag) int { return cmp.Compare(a.Line, b.Line) })
	return nil
}

var periodExample = map[Frequency]string{Annual: "2025", Quarterly: "2025Q3", Monthly: "2025-07"}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// covers reports whether item it is collected for entity e.
func covers(it *Item, e *entity) bool {
	if it.EntityKind != e.kind {
		return false
	}
	if e.kind == EntityPerson {
		return strings.HasPrefix(e.path, it.ScopePath)
	}
	return it.Covers(e.path, e.ukind, e.level)
}

// foreignItem is the error for an item of another department.
func foreignItem(b *Batch, it *Item) *errs.Error {
	line := 0
	for i := range b.Rows {
		if b.Rows[i].Item == it.Code {
			line = b.Rows[i].Line
			break
		}
	}
	e := errs.New(errs.Forbidden, "collect.row.item_foreign",
		fmt.Sprintf("data item %s (%s) is submitted by %s; you may submit only the items of your own department", it.Code, it.Name, it.OwnerName))
	e.Field = "item"
	e.Row = line
	e.Args = map[string]any{"item": it.Code, "name": it.Name, "owner": it.OwnerName}
	return e
}

// resolveEntities finds the units and people the rows name.
func (p *plan) resolveEntities(ctx context.Context, tx *db.Tx) error {
	var codes []string
	var people []int64
	for i := range p.batch.Rows {
		c := p.batch.Rows[i].Entity
		if _, ok := p.ents[c]; ok || c == "" {
			continue
		}
		p.ents[c] = nil
		if id, ok := strings.CutPrefix(c, "person:"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
				people = append(people, n)
			}
			continue
		}
		codes = append(codes, c)
	}
	us, err := org.UnitsByCode(ctx, tx, codes)
	if err != nil {
		return fmt.Errorf("resolve units: %w", err)
	}
	for code, u := range us {
		p.ents[code] = &entity{kind: EntityUnit, id: u.ID, code: u.Code, name: u.Name, path: u.Path, ukind: u.Kind, level: u.Level}
	}
	ps, err := org.PeopleByID(ctx, tx, people)
	if err != nil {
		return fmt.Errorf("resolve people: %w", err)
	}
	var placed []int64
	for _, pe := range ps {
		placed = append(placed, pe.UnitID)
	}
	at, err := org.UnitsByID(ctx, tx, placed)
	if err != nil {
		return fmt.Errorf("resolve people: %w", err)
	}
	for id, pe := range ps {
		e := &entity{kind: EntityPerson, id: id, name: pe.Name, code: "person:" + db.FormatID(id)}
		if u := at[pe.UnitID]; u != nil {
			e.path = u.Path
		}
		p.ents[e.code] = e
	}
	return nil
}

// loadCurrent calls fn for each current value of item in period.
func loadCurrent(ctx context.Context, tx *db.Tx, item, period string, fn func(ent int64, x existing)) error {
	rows, err := tx.QueryContext(ctx, `SELECT entity_id, id, version, value FROM data_values
		WHERE item_code = $1 AND period = $2 AND is_current`, item, period)
	if err != nil {
		return fmt.Errorf("read current values of %s %s: %w", item, period, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			ent int64
			x   existing
		)
		if err := rows.Scan(&ent, &x.id, &x.version, &x.value); err != nil {
			return fmt.Errorf("read current values of %s %s: %w", item, period, err)
		}
		fn(ent, x)
	}
	return rows.Err()
}

// record writes the submission's audit event: counts, and each change
// for small batches.
func (p *plan) record(ctx context.Context, tx *db.Tx, a *auth.Actor) error {
	var paths []string
	codes := make([]string, len(p.items))
	for i, it := range p.items {
		paths = append(paths, it.OwnerPath)
		codes[i] = it.Code
	}
	after := map[string]any{
		"source": p.batch.Source, "rows": p.rep.Rows, "inserted": p.rep.Inserted, "corrected": p.rep.Corrected,
		"unchanged": p.rep.Unchanged, "skipped": p.rep.Skipped, "flagged": p.rep.Flagged, "items": codes,
		"periods": p.periods,
	}
	if p.batch.Name != "" {
		after["file"] = p.batch.Name
	}
	var changes []map[string]any
	for _, rc := range p.recs {
		if rc.prevID == 0 && len(p.recs) > 100 {
			continue
		}
		if len(changes) >= 100 {
			break
		}
		r := &p.batch.Rows[rc.row]
		c := map[string]any{"entity": r.Entity, "item": r.Item, "period": r.Period, "value": rc.value, "version": rc.version}
		if rc.prevID != 0 {
			c["reason"] = strings.TrimSpace(r.Reason)
		}
		changes = append(changes, c)
	}
	if len(changes) > 0 {
		after["changes"] = changes
	}
	action := "value.submit"
	switch {
	case p.batch.Source.System():
		action = "value.publish"
	case p.rep.Corrected > 0:
		action = "value.correct"
	}
	return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "value_batch", ObjectID: db.FormatID(p.rep.BatchID),
		UnitPath: auth.CommonPath(paths), After: after})
}
