package score

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
)

// Num is a float64 that is written as null in JSON when it is NaN or
// infinite, and read back from null as NaN.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	return appendNum(nil, float64(n)), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

type matrixJSON struct {
	Rows int             `json:"rows"`
	Cols []string        `json:"cols"`
	Data json.RawMessage `json:"data"`
}

// MarshalJSON writes {"rows":r,"cols":[…],"data":[…]} with data column-major
// and NaN as null.
func (m Matrix) MarshalJSON() ([]byte, error) {
	var data []byte
	data = append(data, '[')
	for k, v := range m.Data {
		if k > 0 {
			data = append(data, ',')
		}
		data = appendNum(data, v)
	}
	data = append(data, ']')
	cols := m.Cols
	if cols == nil {
		cols = []string{}
	}
	return json.Marshal(matrixJSON{Rows: m.Rows, Cols: cols, Data: data})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Matrix) UnmarshalJSON(b []byte) error {
	var mj matrixJSON
	if err := json.Unmarshal(b, &mj); err != nil {
		return err
	}
	var nums []Num
	if len(bytes.TrimSpace(mj.Data)) > 0 {
		if err := json.Unmarshal(mj.Data, &nums); err != nil {
			return err
		}
	}
	if mj.Rows < 0 || len(nums) != mj.Rows*len(mj.Cols) {
		return errors.New("matrix: data length is not rows × cols")
	}
	m.Rows, m.Cols = mj.Rows, mj.Cols
	m.Data = make([]float64, len(nums))
	for k, v := range nums {
		m.Data[k] = float64(v)
	}
	return nil
}
