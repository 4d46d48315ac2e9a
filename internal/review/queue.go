package review

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// The public intake commits in groups (docs/decisions/0130-service-reviews.md):
// one writer takes the submissions waiting, up to groupMax, and writes them
// in one transaction, each inside a savepoint so that a refused one leaves
// the others; each caller gets its answer after the commit, so that an
// acknowledged review is on disk (in SQLite's WAL, PostgreSQL's log) — a
// kill -9 after the answer loses nothing. Phones at a busy hall then wait
// for one commit instead of queueing for the write lock one by one.

// groupMax is the most submissions one transaction writes.
const groupMax = 256

// pending is a submission waiting for the writer.
type pending struct {
	ctx  context.Context
	sub  Submission
	done chan result
}

type result struct {
	rec *Receipt
	err error
}

// enqueue hands sub to the writer, starting it on first use, and waits for
// its answer.
func (s *Service) enqueue(ctx context.Context, sub Submission) (*Receipt, error) {
	s.start.Do(func() {
		s.queue = make(chan *pending, 4*groupMax)
		go s.writer()
	})
	p := &pending{ctx: ctx, sub: sub, done: make(chan result, 1)}
	select {
	case s.queue <- p:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued, the answer comes: the commit is not cancelled halfway.
	r := <-p.done
	return r.rec, r.err
}

// writer writes the queued submissions, a group per transaction, for the
// life of the process.
func (s *Service) writer() {
	for first := range s.queue {
		group := []*pending{first}
	fill:
		for len(group) < groupMax {
			select {
			case p := <-s.queue:
				group = append(group, p)
			default:
				break fill
			}
		}
		s.writeGroup(group)
	}
}

// writeGroup writes group in one transaction and answers each submission.
func (s *Service) writeGroup(group []*pending) {
	out := make([]result, len(group))
	// A caller that gave up before its turn is left out; once its turn
	// comes its statements run to the end, whatever its context does, so
	// that one caller cannot fail the others' commit.
	ctx := context.Background()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for i, p := range group {
			if p.ctx.Err() != nil {
				out[i].err = p.ctx.Err()
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT review_submit`); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			rec, err := s.submit(ctx, tx, p.sub)
			if err != nil {
				if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT review_submit`); rerr != nil {
					return fmt.Errorf("rollback to savepoint: %w", rerr)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT review_submit`); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
			out[i] = result{rec, err}
		}
		return nil
	})
	for i, p := range group {
		if err != nil {
			out[i] = result{nil, err}
		}
		p.done <- out[i]
	}
}
