package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"rsc.io/qr"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// CodeAlphabet is the alphabet of ballot codes: digits and capital letters
// without 0/O, 1/I/L, which are easily confused on paper.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLen is the number of characters of a code: 31^12 ≈ 2^59 possible
// codes, so guessing a valid one among even a million issued codes takes
// about 2^39 tries.
const CodeLen = 12

// MaxCodes is the most codes issued in one call.
const MaxCodes = 10000

// Code is an issued ballot code.
type Code struct {
	// Code is the code as stored, without separators.
	Code  string
	Group GroupCode
	// Serial numbers the codes of a group from 0.
	Serial int
	Used   bool
}

// Display returns the code in groups of four, e.g. "7KQ2-MZ4H-98XW".
func (c Code) Display() string { return FormatCode(c.Code) }

// FormatCode writes a code in groups of four characters.
func FormatCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeCode turns what a rater typed into a stored code: upper case,
// separators and spaces dropped. ok is false when it cannot be a code.
func NormalizeCode(s string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != CodeLen {
		return "", false
	}
	return b.String(), true
}

// newCode returns a random code.
func newCode() string {
	max := big.NewInt(int64(len(CodeAlphabet)))
	b := make([]byte, CodeLen)
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = CodeAlphabet[n.Int64()]
	}
	return string(b)
}

// IssueCodes generates n new one-time codes for a rater group of an
// evaluation that is not closed, and returns them. The actor needs
// ActEvalManage. The audit log records how many, never the codes.
func (s *Service) IssueCodes(ctx context.Context, a *auth.Actor, id int64, group GroupCode, n int) ([]Code, error) {
	if n < 1 || n > MaxCodes {
		e := errs.Field("count", "survey.code_count_invalid", fmt.Sprintf("the number of codes must be from 1 to %d", MaxCodes))
		e.Args = map[string]any{"max": MaxCodes}
		return nil, e
	}
	var out []Code
	err := s.write(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalManage, id)
		if err != nil {
			return err
		}
		if e.Status == StatusClosed {
			return errs.New(errs.Conflict, "survey.closed", "the evaluation is closed")
		}
		if _, ok := e.Group(group); !ok {
			return errs.Field("group", "survey.group_not_in_evaluation", fmt.Sprintf("rater group %q is not in this evaluation", group))
		}
		issued, used, err := lockCodeSet(ctx, tx, id, group)
		if errors.Is(err, sql.ErrNoRows) {
			issued, used = 0, nil
			if _, err := tx.ExecContext(ctx, `INSERT INTO code_sets (evaluation_id, group_code, issued, used_count, used)
				VALUES ($1, $2, 0, 0, '')`, id, group); err != nil {
				return fmt.Errorf("issue codes: %w", err)
			}
		} else if err != nil {
			return err
		}
		out = make([]Code, 0, n)
		for i := range n {
			c := Code{Code: newCode(), Group: group, Serial: issued + i}
			// A clash with an existing code (probability ~n·2^-59) is retried.
			for {
				res, err := tx.ExecContext(ctx, `INSERT INTO ballot_codes (code, evaluation_id, group_code, serial)
					VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`, c.Code, id, group, c.Serial)
				if err != nil {
					return fmt.Errorf("issue codes: %w", err)
				}
				if k, _ := res.RowsAffected(); k == 1 {
					break
				}
				c.Code = newCode()
			}
			out = append(out, c)
		}
		bits := grow(used, issued+n)
		if _, err := tx.ExecContext(ctx, `UPDATE code_sets SET issued = $3, used = $4
			WHERE evaluation_id = $1 AND group_code = $2`, id, group, issued+n, hex.EncodeToString(bits)); err != nil {
			return fmt.Errorf("issue codes: %w", err)
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "evaluation.codes", ObjectType: "evaluation",
			ObjectID: db.FormatID(id), UnitPath: e.UnitPath,
			After: map[string]any{"group": group, "issued": n, "total": issued + n}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockCodeSet locks the code set row of a group (a no-op update takes the
// row lock on PostgreSQL; SQLite's write transaction already holds the
// database) and returns the number of issued codes and the used bitmap.
func lockCodeSet(ctx context.Context, tx *db.Tx, id int64, group GroupCode) (issued int, used []byte, err error) {
	res, err := tx.ExecContext(ctx, `UPDATE code_sets SET issued = issued WHERE evaluation_id = $1 AND group_code = $2`, id, group)
	if err != nil {
		return 0, nil, fmt.Errorf("lock code set: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return 0, nil, sql.ErrNoRows
	}
	var h string
	if err := tx.QueryRowContext(ctx, `SELECT issued, used FROM code_sets WHERE evaluation_id = $1 AND group_code = $2`,
		id, group).Scan(&issued, &h); err != nil {
		return 0, nil, fmt.Errorf("read code set: %w", err)
	}
	used, err = hex.DecodeString(h)
	if err != nil {
		return 0, nil, fmt.Errorf("read code set: %w", err)
	}
	return issued, used, nil
}

// grow returns bits extended to hold n bits.
func grow(bits []byte, n int) []byte {
	need := (n + 7) / 8
	if len(bits) >= need {
		return bits
	}
	return append(bits, make([]byte, need-len(bits))...)
}

func encodeBits(bits []byte) string { return hex.EncodeToString(bits) }

func decodeBits(h string) ([]byte, error) { return hex.DecodeString(h) }

func bit(bits []byte, i int) bool { return i/8 < len(bits) && bits[i/8]&(1<<(i%8)) != 0 }

// Codes returns the issued codes of an evaluation, by group and serial,
// for the printable sheet and the CSV. The actor needs ActEvalManage.
func (s *Service) Codes(ctx context.Context, a *auth.Actor, id int64) ([]Code, error) {
	var out []Code
	err := s.db.View(ctx, func(tx *db.Tx) error {
		e, err := s.authorize(ctx, tx, a, auth.ActEvalManage, id)
		if err != nil {
			return err
		}
		used := map[GroupCode][]byte{}
		rows, err := tx.QueryContext(ctx, `SELECT group_code, used FROM code_sets WHERE evaluation_id = $1`, id)
		if err != nil {
			return fmt.Errorf("read code sets: %w", err)
		}
		for rows.Next() {
			var g GroupCode
			var h string
			if err := rows.Scan(&g, &h); err != nil {
				rows.Close()
				return fmt.Errorf("read code sets: %w", err)
			}
			used[g], _ = hex.DecodeString(h)
		}
		rows.Close()
		order := map[GroupCode]int{}
		for i, g := range e.Groups {
			order[g.Code] = i
		}
		rows, err = tx.QueryContext(ctx, `SELECT code, group_code, serial FROM ballot_codes
			WHERE evaluation_id = $1 ORDER BY group_code, serial`, id)
		if err != nil {
			return fmt.Errorf("list codes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c Code
			if err := rows.Scan(&c.Code, &c.Group, &c.Serial); err != nil {
				return fmt.Errorf("list codes: %w", err)
			}
			c.Used = bit(used[c.Group], c.Serial)
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Groups in the evaluation's order.
		sortCodes(out, order)
		return nil
	})
	return out, err
}

func sortCodes(cs []Code, order map[GroupCode]int) {
	// Insertion into group buckets keeps serial order within a group.
	buckets := make([][]Code, len(order)+1)
	for _, c := range cs {
		k, ok := order[c.Group]
		if !ok {
			k = len(order)
		}
		buckets[k] = append(buckets[k], c)
	}
	cs = cs[:0]
	for _, b := range buckets {
		cs = append(cs, b...)
	}
}

// WriteCSV writes codes as CSV: group, serial (1-based), code, the ballot
// address (base + "/b/" + code) and whether it was used.
func WriteCSV(w io.Writer, codes []Code, base string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"group", "no", "code", "url", "used"}); err != nil {
		return err
	}
	for _, c := range codes {
		if err := cw.Write([]string{string(c.Group), strconv.Itoa(c.Serial + 1), c.Display(),
			BallotURL(base, c.Code), strconv.FormatBool(c.Used)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// BallotURL is the address a code's QR code points to.
func BallotURL(base, code string) string { return strings.TrimSuffix(base, "/") + "/b/" + code }

// QRSVG returns an SVG image of the QR code of text (error correction M,
// quiet zone of four modules), drawn as one path so that it prints crisply
// at any size and needs no script or image request.
func QRSVG(text string) (string, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", errs.Errorf(errs.Invalid, "qr code: %v", err)
	}
	const quiet = 4
	n := c.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" class="qr">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := range c.Size {
		for x := 0; x < c.Size; {
			if !c.Black(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < c.Size && c.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
