package scorefile

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"

	"kaohe/internal/score"
)

// synthGroups is the number of comparison groups of synthetic files.
const synthGroups = 10

// WriteSynth writes scheme.json, entities.csv and values.csv for a
// synthetic input of the given size (score.Synth with 10 comparison groups)
// into dir, and returns their paths. The same arguments give the same
// bytes. 100,000 × 40 gives 4,000,000 value rows, about 80 MB.
func WriteSynth(dir string, entities, indicators int, seed uint64) ([]string, error) {
	in := score.Synth(entities, indicators, synthGroups, seed)
	paths := []string{
		filepath.Join(dir, "scheme.json"),
		filepath.Join(dir, "entities.csv"),
		filepath.Join(dir, "values.csv"),
	}
	writers := []func(*Output) error{
		func(o *Output) error {
			b, err := json.MarshalIndent(in.Scheme, "", "  ")
			if err != nil {
				return err
			}
			_, err = o.Write(append(b, '\n'))
			return err
		},
		func(o *Output) error { return writeEntities(o, in.Entities) },
		func(o *Output) error { return writeValues(o, in) },
	}
	for i, p := range paths {
		o, err := Create(p)
		if err != nil {
			return nil, err
		}
		if err := writers[i](o); err != nil {
			o.Abort()
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		if err := o.Commit(); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// writeEntities writes an entities file (with the sanction column when any
// entity has a sanction).
func writeEntities(o *Output, entities []score.Entity) error {
	sanction := false
	for _, e := range entities {
		sanction = sanction || e.Sanction
	}
	header := entitiesHeader
	if sanction {
		header = entitiesSanctionHeader
	}
	c := &csvWriter{}
	c.record(header...)
	if err := c.flushTo(o); err != nil {
		return err
	}
	return writeRows(o, len(entities), 8192, func(c *csvWriter, lo, hi int) {
		for _, e := range entities[lo:hi] {
			c.str(e.ID)
			c.str(e.Name)
			c.str(e.Group)
			if sanction {
				c.str(strconv.FormatBool(e.Sanction))
			}
			c.end()
		}
	})
}

// writeValues writes the values of in in long form, entity by entity; a
// missing value is written as an empty field.
func writeValues(o *Output, in *score.Input) error {
	c := &csvWriter{}
	c.record(valuesHeader...)
	if err := c.flushTo(o); err != nil {
		return err
	}
	m := &in.Values
	return writeRows(o, len(in.Entities), 1024, func(c *csvWriter, lo, hi int) {
		for i := lo; i < hi; i++ {
			for j, col := range m.Cols {
				c.str(in.Entities[i].ID)
				c.str(col)
				c.num(m.At(i, j))
				c.end()
			}
		}
	})
}
