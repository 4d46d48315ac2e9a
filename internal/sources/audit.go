package sources

import (
	"context"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/fieldwork"
	"kaohe/internal/finding"
	"kaohe/internal/hook"
	"kaohe/internal/org"
	"kaohe/internal/outcome"
	"kaohe/internal/scheme"
	"kaohe/internal/survey"
)

// AuditNamers name the objects of the audit log that the domain packages
// own, by object type, from their owners' lookups.
func AuditNamers() map[string]auth.AuditNamer {
	return map[string]auth.AuditNamer{
		"unit": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			us, err := org.UnitsByID(ctx, tx, ids)
			return objects(us, err, func(id int64, u *org.Unit) auth.AuditObject { return page(u.Name, "unit", id) })
		}),
		"person": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ps, err := org.PeopleByID(ctx, tx, ids)
			return objects(ps, err, func(id int64, p *org.Person) auth.AuditObject { return page(p.Name, "person", id) })
		}),
		"post":     byID(namePosts),
		"category": byID(nameCategories),
		"scheme": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := scheme.SchemeNames(ctx, tx, ids)
			return objects(ns, err, func(id int64, n string) auth.AuditObject { return page(n, "scheme", id) })
		}),
		"scheme_version": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			vs, err := scheme.VersionRefs(ctx, tx, ids)
			return objects(vs, err, func(_ int64, v scheme.VersionRef) auth.AuditObject {
				return auth.AuditObject{Name: v.SchemeName + " v" + strconv.Itoa(v.Number), Page: "scheme_version",
					PageKey: []string{db.FormatID(v.SchemeID), strconv.Itoa(v.Number)}}
			})
		}),
		"indicator": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := scheme.IndicatorNames(ctx, tx, ids)
			return objects(ns, err, func(_ int64, n string) auth.AuditObject { return auth.AuditObject{Name: n} })
		}),
		"webhook": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := hook.Names(ctx, tx, ids)
			return objects(ns, err, func(_ int64, n string) auth.AuditObject { return auth.AuditObject{Name: n} })
		}),
		"evaluation": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := survey.EvaluationTitles(ctx, tx, ids)
			return objects(ns, err, func(id int64, n string) auth.AuditObject { return page(n, "evaluation", id) })
		}),
		"data_item": func(ctx context.Context, tx *db.Tx, codes []string) (map[string]auth.AuditObject, error) {
			ns, err := collect.ItemNames(ctx, tx, codes)
			return objects(ns, err, func(code string, n string) auth.AuditObject {
				return auth.AuditObject{Name: n, Page: "item", PageKey: []string{code}}
			})
		},
		"value_evidence": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := collect.EvidenceNames(ctx, tx, ids)
			return objects(ns, err, func(id int64, n string) auth.AuditObject { return page(n, "evidence", id) })
		}),
		"cycle": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := cycle.CycleNames(ctx, tx, ids)
			return objects(ns, err, func(id int64, n string) auth.AuditObject { return page(n, "cycle", id) })
		}),
		"cycle_result": nameCycleEntities("result"),
		"judgement":    nameCycleEntities("field"),
		"verification": nameFieldRecords("verification"),
		"interview":    nameFieldRecords("interview"),
		"finding": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := finding.Titles(ctx, tx, ids)
			return objects(ns, err, func(id int64, n string) auth.AuditObject { return page(n, "finding", id) })
		}),
		"outcome_proposal": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := outcome.ProposalNames(ctx, tx, ids)
			return objects(ns, err, func(id int64, n outcome.AuditName) auth.AuditObject { return page(n.Name, "outcome_proposal", id) })
		}),
		"reserve_entry": byID(outcomeNamer(outcome.EntryNames)),
		"adjustment":    byID(outcomeNamer(outcome.AdjustmentNames)),
		"handover": byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
			ns, err := outcome.HandoverNames(ctx, tx, ids)
			return objects(ns, err, func(id int64, n outcome.AuditName) auth.AuditObject { return page(n.Name, "handover", id) })
		}),
	}
}

// outcomeNamer names outcome objects shown on their cadre's page.
func outcomeNamer(name func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]outcome.AuditName, error)) func(ctx context.Context,
	tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
	return func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
		ns, err := name(ctx, tx, ids)
		return objects(ns, err, func(_ int64, n outcome.AuditName) auth.AuditObject { return page(n.Name, "person", n.PersonID) })
	}
}

// page is an object shown on the page of kind at id.
func page(name, kind string, id int64) auth.AuditObject {
	return auth.AuditObject{Name: name, Page: kind, PageKey: []string{db.FormatID(id)}}
}

// objects makes the audit objects of what a lookup found, keyed by the
// audit object IDs.
func objects[K comparable, V any](found map[K]V, err error, object func(K, V) auth.AuditObject) (map[K]auth.AuditObject, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[K]auth.AuditObject, len(found))
	for k, v := range found {
		out[k] = object(k, v)
	}
	return out, nil
}

// byID makes a namer of objects with decimal ids from a lookup by id.
func byID(name func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error)) auth.AuditNamer {
	return func(ctx context.Context, tx *db.Tx, keys []string) (map[string]auth.AuditObject, error) {
		var ids []int64
		for _, k := range keys {
			if id, err := strconv.ParseInt(k, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		found, err := name(ctx, tx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]auth.AuditObject, len(found))
		for id, o := range found {
			out[db.FormatID(id)] = o
		}
		return out, nil
	}
}

// namePosts names a post by its holder and title, shown on the holder's
// page.
func namePosts(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
	posts, err := org.PostsByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var people []int64
	for _, p := range posts {
		people = append(people, p.PersonID)
	}
	holders, err := org.PeopleByID(ctx, tx, people)
	return objects(posts, err, func(_ int64, p *org.Post) auth.AuditObject {
		name := p.UnitName + p.Title
		if h := holders[p.PersonID]; h != nil {
			name = h.Name + " · " + name
		}
		return page(name, "person", p.PersonID)
	})
}

// nameCategories names categories, which no page shows one by one.
func nameCategories(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
	cats, err := org.AllCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := map[int64]auth.AuditObject{}
	for _, c := range cats {
		if want[c.ID] {
			out[c.ID] = auth.AuditObject{Name: c.Name}
		}
	}
	return out, nil
}

// nameCycleEntities names objects about an entity of a cycle,
// "cycle/entity" (a result, the team's judgements), by their cycle and
// entity, shown on the entity's page of kind (result, field).
func nameCycleEntities(kind string) auth.AuditNamer {
	return func(ctx context.Context, tx *db.Tx, keys []string) (map[string]auth.AuditObject, error) {
		return cycleEntities(ctx, tx, kind, keys)
	}
}

// nameFieldRecords names the verifications or interviews (kind) by the
// cycle and entity they are about, shown on the entity's field work page.
func nameFieldRecords(kind string) auth.AuditNamer {
	return byID(func(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]auth.AuditObject, error) {
		targets, err := fieldwork.RecordTargets(ctx, tx, kind, ids)
		if err != nil {
			return nil, err
		}
		var keys []string
		for _, k := range targets {
			keys = append(keys, k)
		}
		named, err := cycleEntities(ctx, tx, "field", keys)
		if err != nil {
			return nil, err
		}
		out := map[int64]auth.AuditObject{}
		for id, k := range targets {
			if o, ok := named[k]; ok {
				out[id] = o
			}
		}
		return out, nil
	})
}

// cycleEntities names "cycle/entity" keys by their cycle and entity, on
// the entity's page of kind.
func cycleEntities(ctx context.Context, tx *db.Tx, kind string, keys []string) (map[string]auth.AuditObject, error) {
	byCycle := map[int64][]string{}
	for _, k := range keys {
		c, entity, ok := strings.Cut(k, "/")
		if id, err := strconv.ParseInt(c, 10, 64); ok && err == nil {
			byCycle[id] = append(byCycle[id], entity)
		}
	}
	var ids []int64
	for id := range byCycle {
		ids = append(ids, id)
	}
	cycles, err := cycle.CycleNames(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]auth.AuditObject{}
	for id, entities := range byCycle {
		names, err := cycle.EntityNames(ctx, tx, id, entities)
		if err != nil {
			return nil, err
		}
		for entity, name := range names {
			out[db.FormatID(id)+"/"+entity] = auth.AuditObject{Name: cycles[id] + " · " + name, Page: kind,
				PageKey: []string{db.FormatID(id), entity}}
		}
	}
	return out, nil
}
