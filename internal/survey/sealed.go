package survey

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"slices"

	"kaohe/internal/db"
)

// A ballot is first stored sealed: encrypted under its evaluation's key,
// which is kept outside the database (keyStore), in a row of
// sealed_ballots that is written in the same transaction as the code's
// used bit. Sealed ballots are opened and written to ballots in batches
// of at least the evaluation's minimum group size k, in random order, and
// only when 2k of a rater group are waiting, so that k always stay sealed
// until the evaluation closes and the last batch is not smaller than k.
// Whoever copies the database files after each submission can then tie a
// ballot's content to no fewer than k codes and submissions
// (docs/decisions/0160-ballots-sealed-until-batched.md).

// slot is one answer a ballot of an evaluation can hold: an item of a
// subject, or an extra question (subject 0). A sealed ballot holds one
// number per slot, so that every sealed ballot of an evaluation has the
// same length whatever it answers.
type slot struct {
	subject int64
	item    string
	// scale is the grade scale of a grade item; score marks a score
	// item; options are the options of an extra question.
	scale   *Scale
	score   bool
	options []string
}

// slotsOf lists the slots of e in the order checkAnswers returns answers.
func slotsOf(e *Evaluation) []slot {
	var out []slot
	for _, sub := range e.Subjects {
		for _, it := range sub.Q().Items {
			out = append(out, slot{subject: sub.ID, item: it.Code, scale: it.Scale, score: it.Kind == ItemScore})
		}
	}
	for _, q := range e.Rules.Questions {
		out = append(out, slot{item: q.Code, options: q.Options})
	}
	return out
}

// invalidRules numbers the validity rules in a sealed ballot (0: valid).
var invalidRules = []string{"", RuleUniformTop, RuleMaxTop}

// encodeBallot packs b, a ballot of e, as its valid flag, its rule's
// number and one uint16 per slot: 0 unanswered, else the grade's or
// option's index + 1, or the score in tenths + 1.
func encodeBallot(e *Evaluation, b *Ballot) ([]byte, error) {
	type key struct {
		s int64
		i string
	}
	given := make(map[key]Answer, len(b.Answers))
	for _, a := range b.Answers {
		given[key{a.Subject, a.Item}] = a
	}
	slots := slotsOf(e)
	out := make([]byte, 2, 2+2*len(slots))
	if b.Valid {
		out[0] = 1
	}
	out[1] = byte(slices.Index(invalidRules, b.InvalidRule))
	for _, sl := range slots {
		a, ok := given[key{sl.subject, sl.item}]
		v := 0
		switch {
		case !ok:
		case sl.score:
			v = int(math.Round(*a.Score*10)) + 1
		case sl.scale != nil:
			v = slices.IndexFunc(sl.scale.Grades, func(g Grade) bool { return g.Label == a.Grade }) + 1
		default:
			v = slices.Index(sl.options, a.Grade) + 1
		}
		if ok && v <= 0 {
			return nil, fmt.Errorf("seal ballot: answer %s of subject %d is not in its scale", sl.item, sl.subject)
		}
		out = binary.BigEndian.AppendUint16(out, uint16(v))
	}
	return out, nil
}

// decodeBallot unpacks what encodeBallot packed into b.
func decodeBallot(e *Evaluation, p []byte, b *Ballot) error {
	slots := slotsOf(e)
	if len(p) != 2+2*len(slots) || int(p[1]) >= len(invalidRules) {
		return errors.New("open ballot: the sealed ballot does not fit its evaluation")
	}
	b.Valid, b.InvalidRule = p[0] == 1, invalidRules[p[1]]
	b.Answers = nil
	for i, sl := range slots {
		v := int(binary.BigEndian.Uint16(p[2+2*i:]))
		if v == 0 {
			continue
		}
		a := Answer{Subject: sl.subject, Item: sl.item}
		switch {
		case sl.score:
			x := float64(v-1) / 10
			a.Score = &x
		case sl.scale != nil && v <= len(sl.scale.Grades):
			a.Grade = sl.scale.Grades[v-1].Label
		case sl.scale == nil && v <= len(sl.options):
			a.Grade = sl.options[v-1]
		default:
			return errors.New("open ballot: an answer is out of its scale")
		}
		b.Answers = append(b.Answers, a)
	}
	return nil
}

// aead returns the cipher of a key.
func aead(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// boxData is what a sealed ballot's encryption binds it to: its
// evaluation and rater group, so that a box cannot be moved to another.
func boxData(e int64, g GroupCode) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(e)), g...)
}

// sealBallot stores b, a ballot of e, sealed under e's key (made on the
// first ballot), under a fresh random ID.
func (s *Service) sealBallot(ctx context.Context, tx *db.Tx, e *Evaluation, b *Ballot) error {
	p, err := encodeBallot(e, b)
	if err != nil {
		return err
	}
	key, err := s.keys.key(e.ID, true)
	if err != nil {
		return err
	}
	c, err := aead(key)
	if err != nil {
		return fmt.Errorf("seal ballot: %w", err)
	}
	nonce := make([]byte, c.NonceSize(), c.NonceSize()+len(p)+c.Overhead())
	rand.Read(nonce)
	box := base64.StdEncoding.EncodeToString(c.Seal(nonce, nonce, p, boxData(e.ID, b.Group)))
	q := `INSERT INTO sealed_ballots (id, evaluation_id, group_code, box) VALUES ($1, $2, $3, $4)`
	if tx.Engine == db.SQLite {
		q = `INSERT INTO sealed_ballots (rowid, id, evaluation_id, group_code, box) VALUES ($1, $1, $2, $3, $4)`
	}
	if _, err := tx.ExecContext(ctx, q, ballotID(), e.ID, b.Group, box); err != nil {
		return fmt.Errorf("seal ballot: %w", err)
	}
	return nil
}

// sealedGroup names the sealed ballots of a rater group of an evaluation.
type sealedGroup struct {
	evaluation int64
	group      GroupCode
}

// sealedGroups are the groups that got a sealed ballot in a transaction,
// with their evaluations: each is released once at its end.
type sealedGroups map[sealedGroup]*Evaluation

func (m sealedGroups) add(e *Evaluation, g GroupCode) { m[sealedGroup{e.ID, g}] = e }

// release releases each group of m that has enough sealed ballots.
func (s *Service) release(ctx context.Context, tx *db.Tx, m sealedGroups) error {
	for g, e := range m {
		if err := s.releaseGroup(ctx, tx, e, g.group, false); err != nil {
			return err
		}
	}
	return nil
}

// releaseGroup opens sealed ballots of group g of e and writes them to
// ballots in random order, each with the day of the batch: all of them
// when all (at closing), else, once 2k are waiting, all but k.
func (s *Service) releaseGroup(ctx context.Context, tx *db.Tx, e *Evaluation, g GroupCode, all bool) error {
	k := max(e.Rules.MinGroupSize, 1)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sealed_ballots WHERE evaluation_id = $1 AND group_code = $2`,
		e.ID, g).Scan(&n); err != nil {
		return fmt.Errorf("count sealed ballots: %w", err)
	}
	if n == 0 || (!all && n < 2*k) {
		return nil
	}
	if tx.Engine != db.SQLite {
		// Two transactions must not open the same sealed ballots: take
		// the evaluation's row, then read what is still waiting.
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET updated_at = updated_at WHERE id = $1`, e.ID); err != nil {
			return fmt.Errorf("lock evaluation: %w", err)
		}
	}
	type sealed struct {
		id  int64
		box string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, box FROM sealed_ballots WHERE evaluation_id = $1 AND group_code = $2`, e.ID, g)
	if err != nil {
		return fmt.Errorf("read sealed ballots: %w", err)
	}
	var waiting []sealed
	for rows.Next() {
		var w sealed
		if err := rows.Scan(&w.id, &w.box); err != nil {
			rows.Close()
			return fmt.Errorf("read sealed ballots: %w", err)
		}
		waiting = append(waiting, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sealed ballots: %w", err)
	}
	take := len(waiting)
	if !all {
		if take -= k; take < k {
			return nil // another transaction opened them meanwhile
		}
	}
	key, err := s.keys.key(e.ID, false)
	if err != nil {
		return fmt.Errorf("open ballots of evaluation %d: %w", e.ID, err)
	}
	c, err := aead(key)
	if err != nil {
		return fmt.Errorf("open ballots: %w", err)
	}
	var seed [32]byte
	rand.Read(seed[:])
	r := mrand.New(mrand.NewChaCha8(seed))
	r.Shuffle(len(waiting), func(i, j int) { waiting[i], waiting[j] = waiting[j], waiting[i] })
	for _, w := range waiting[:take] {
		raw, err := base64.StdEncoding.DecodeString(w.box)
		if err != nil || len(raw) < c.NonceSize() {
			return fmt.Errorf("open ballot: malformed box")
		}
		p, err := c.Open(nil, raw[:c.NonceSize()], raw[c.NonceSize():], boxData(e.ID, g))
		if err != nil {
			return fmt.Errorf("open ballot: %w", err)
		}
		b := &Ballot{Evaluation: e.ID, Group: g, Day: Day(tx.Now)}
		if err := decodeBallot(e, p, b); err != nil {
			return err
		}
		if err := castBallot(ctx, tx, b); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sealed_ballots WHERE id = $1`, w.id); err != nil {
			return fmt.Errorf("erase sealed ballot: %w", err)
		}
	}
	return nil
}

// releaseAll opens every sealed ballot of e, at closing.
func (s *Service) releaseAll(ctx context.Context, tx *db.Tx, e *Evaluation) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT group_code FROM sealed_ballots WHERE evaluation_id = $1`, e.ID)
	if err != nil {
		return fmt.Errorf("read sealed ballots: %w", err)
	}
	var groups []GroupCode
	for rows.Next() {
		var g GroupCode
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return fmt.Errorf("read sealed ballots: %w", err)
		}
		groups = append(groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sealed ballots: %w", err)
	}
	for _, g := range groups {
		if err := s.releaseGroup(ctx, tx, e, g, true); err != nil {
			return err
		}
	}
	return nil
}
