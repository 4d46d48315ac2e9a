package scorefile

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// jsonPositions maps paths in a JSON document, written like
// "indicators[3].weight" or "grading.bands[0]", to the byte offset where
// the value's key (or, for array elements, the value) starts, so that
// errors found after decoding can name a line and column.
type jsonPositions map[string]int64

// scanPositions walks the tokens of a syntactically valid document.
func scanPositions(data []byte) jsonPositions {
	pos := jsonPositions{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// start returns the offset of the next token: InputOffset is where the
	// previous token ended, before any separator.
	start := func() int64 {
		off := dec.InputOffset()
		for off < int64(len(data)) {
			switch data[off] {
			case ' ', '\t', '\r', '\n', ',', ':':
				off++
				continue
			}
			break
		}
		return off
	}
	var walk func(path string, at int64) bool
	walk = func(path string, at int64) bool {
		if _, ok := pos[path]; !ok {
			pos[path] = at
		}
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				at := start()
				key, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := key.(string)
				p := k
				if path != "" {
					p = path + "." + k
				}
				if !walk(p, at) {
					return false
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if !walk(path+"["+strconv.Itoa(i)+"]", start()) {
					return false
				}
			}
			_, err = dec.Token()
		}
		return err == nil
	}
	walk("", start())
	return pos
}

// lineOf returns the line and column of the longest known prefix of path:
// for "indicators[3].weights.A" that is the key "A" if present, else
// "weights", else the indicator object.
func (p jsonPositions) lineOf(data []byte, path string) (line, col int, ok bool) {
	for path != "" {
		if off, found := p[path]; found {
			line, col = lineCol(data, off)
			return line, col, true
		}
		cut := max(bytes.LastIndexByte([]byte(path), '.'), bytes.LastIndexByte([]byte(path), '['))
		if cut <= 0 {
			break
		}
		path = path[:cut]
	}
	return 0, 0, false
}
