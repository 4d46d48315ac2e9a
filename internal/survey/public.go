package survey

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// PublicSubmission is an answer to a public satisfaction survey.
type PublicSubmission struct {
	Answers []Answer
	// Device is the value of the random per-device cookie the web layer
	// sets; only its SHA-256 is kept, to let a device answer once.
	Device string
	// Addr is the network address the answer came from; it is used for
	// the hourly limit and duplicate detection in memory and never stored.
	Addr string
}

// Error keys of public surveys.
const (
	KeyDeviceAnswered = "survey.device_answered"
	KeyRateLimited    = "survey.rate_limited"
	KeyDuplicate      = "survey.duplicate"
)

// PublicForm returns the public survey with the link token.
func (s *Service) PublicForm(ctx context.Context, token string) (*Evaluation, error) {
	var out *Evaluation
	err := s.db.View(ctx, func(tx *db.Tx) error {
		e, err := publicEvaluation(ctx, tx, token)
		out = e
		return err
	})
	return out, err
}

func publicEvaluation(ctx context.Context, tx *db.Tx, token string) (*Evaluation, error) {
	if token == "" || len(token) > 64 {
		return nil, errs.NoSuch("survey")
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM evaluations WHERE public_token = $1`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("survey")
	}
	if err != nil {
		return nil, fmt.Errorf("read survey: %w", err)
	}
	return getEvaluation(ctx, tx, id)
}

// SubmitPublic stores an answer to a public survey as a ballot of the
// public rater group. It refuses a device that has answered (Conflict,
// survey.device_answered), an address over the survey's hourly limit
// (Conflict, survey.rate_limited) and the same answers from the same
// address within a day (Conflict, survey.duplicate). Nothing about the
// device or address is stored with the ballot.
func (s *Service) SubmitPublic(ctx context.Context, token string, sub PublicSubmission) error {
	if sub.Device == "" {
		return errs.Field("device", "survey.device_required", "the survey needs cookies to be enabled")
	}
	var (
		e       *Evaluation
		answers []Answer
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var err error
		e, err = publicEvaluation(ctx, tx, token)
		return err
	})
	if err != nil {
		return err
	}
	if e.Status != StatusOpen {
		return errs.New(errs.Conflict, KeyNotOpen, "the survey is not open")
	}
	if answers, err = checkAnswers(e, sub.Answers, true); err != nil {
		return err
	}
	canon, _ := json.Marshal(answers)
	now := s.db.Clock()
	release, err := s.guard.admit(e.ID, sub.Addr, canon, e.Rules.PublicPerHour, now)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *db.Tx) error {
		sum := sha256.Sum256([]byte(sub.Device))
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_devices (evaluation_id, device_hash) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, e.ID, hex.EncodeToString(sum[:]))
		if err != nil {
			return fmt.Errorf("record device: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, KeyDeviceAnswered, "this device has already answered the survey")
		}
		if err := s.sealBallot(ctx, tx, e, &Ballot{Group: GroupPublic, Valid: true, Answers: answers}); err != nil {
			return err
		}
		return s.release(ctx, tx, sealedGroups{{e.ID, GroupPublic}: e})
	})
	release(err == nil)
	return err
}

// guard keeps, in memory only, the recent public answers per address and
// the fingerprints of recent answers, for the hourly limit and duplicate
// detection. Neither is written to the database.
type guard struct {
	mu     sync.Mutex
	hits   map[string][]time.Time // survey|address → times of accepted answers in the last hour
	prints map[[32]byte]time.Time // SHA-256(survey|address|answers) → when
	pruned time.Time
}

func newGuard() *guard {
	return &guard{hits: map[string][]time.Time{}, prints: map[[32]byte]time.Time{}}
}

// admit checks the limits for an answer and reserves its place; release
// keeps the reservation when the answer was stored and drops it otherwise.
func (g *guard) admit(survey int64, addr string, answers []byte, perHour int, now time.Time) (release func(stored bool), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.pruned) > time.Minute {
		g.prune(now)
	}
	key := fmt.Sprintf("%d|%s", survey, addr)
	fp := sha256.Sum256(append([]byte(key+"|"), answers...))
	if t, ok := g.prints[fp]; ok && now.Sub(t) < 24*time.Hour {
		return nil, errs.New(errs.Conflict, KeyDuplicate, "the same answers were just sent from this address")
	}
	recent := g.hits[key][:0:0]
	for _, t := range g.hits[key] {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	if perHour > 0 && len(recent) >= perHour {
		g.hits[key] = recent
		return nil, errs.New(errs.Conflict, KeyRateLimited, "too many answers from this address; try again later")
	}
	g.hits[key] = append(recent, now)
	g.prints[fp] = now
	return func(stored bool) {
		if stored {
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.prints, fp)
		if h := g.hits[key]; len(h) > 0 {
			g.hits[key] = h[:len(h)-1]
		}
	}, nil
}

// prune drops what is older than the windows.
func (g *guard) prune(now time.Time) {
	g.pruned = now
	for k, ts := range g.hits {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Hour {
			delete(g.hits, k)
		}
	}
	for k, t := range g.prints {
		if now.Sub(t) >= 24*time.Hour {
			delete(g.prints, k)
		}
	}
}
