package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/db"
)

// A Checkpoint records the head of the chain at a moment, signed with a key
// that is not in the database, in a file that is not in the database
// (decision 0122). Whoever can write the database can rewrite the log and
// its head consistently; they cannot make the log agree with a checkpoint
// taken before, so cutting the tail, rehashing from an edited row or
// deleting the whole log shows at the next verify.
type Checkpoint struct {
	// Seq and Hash are the head: the last row's seq and hash (0 and
	// Genesis for an empty log).
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	At   int64  `json:"at"` // unix µs
	// Prev is the hex SHA-256 of the previous checkpoint's line, "" for
	// the first: a checkpoint cannot be dropped from the middle of the
	// file unseen.
	Prev string `json:"prev"`
	Sig  string `json:"sig"` // hex Ed25519 signature of message()
}

func (c *Checkpoint) message() []byte {
	return []byte("kaohe.audit.checkpoint.v1\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.Hash + "\n" +
		strconv.FormatInt(c.At, 10) + "\n" + c.Prev)
}

// Key files are one line: a tag, "private" or "public", and the key in
// hex (the private key's 32-byte seed).
const keyTag = "kaohe-audit-checkpoint-key-v1"

// GenerateKey writes a new checkpoint signing key to path (mode 0600,
// refusing to overwrite) and its public half to path + ".pub", which an
// auditor verifies with.
func GenerateKey(path string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write checkpoint key: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s private %s\n", keyTag, hex.EncodeToString(priv.Seed())); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.WriteFile(path+".pub", []byte(keyTag+" public "+hex.EncodeToString(pub)+"\n"), 0o644)
}

// readKey reads a key file, returning its kind and bytes.
func readKey(path string) (kind string, key []byte, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("read checkpoint key: %w", err)
	}
	f := strings.Fields(string(raw))
	if len(f) == 3 && f[0] == keyTag {
		if b, err := hex.DecodeString(f[2]); err == nil && len(b) == 32 && (f[1] == "private" || f[1] == "public") {
			return f[1], b, nil
		}
	}
	return "", nil, fmt.Errorf("read checkpoint key %s: not a key written by kaohe audit keygen", path)
}

// LoadKey reads a signing key written by GenerateKey.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	kind, b, err := readKey(path)
	if err != nil {
		return nil, err
	}
	if kind != "private" {
		return nil, fmt.Errorf("read checkpoint key %s: a public key cannot sign; give the signing key", path)
	}
	return ed25519.NewKeyFromSeed(b), nil
}

// LoadPublicKey reads the public half of a checkpoint key: the .pub file,
// or the signing key itself.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	kind, b, err := readKey(path)
	if err != nil {
		return nil, err
	}
	if kind == "private" {
		return ed25519.NewKeyFromSeed(b).Public().(ed25519.PublicKey), nil
	}
	return ed25519.PublicKey(b), nil
}

// WriteCheckpoint appends a signed checkpoint of the current head to the
// file at path (created when missing) and syncs it. When the head has not
// moved since the file's last checkpoint it writes nothing and returns
// that one.
func WriteCheckpoint(ctx context.Context, d *db.DB, path string, key ed25519.PrivateKey) (*Checkpoint, error) {
	cps, last, err := readFile(path, key.Public().(ed25519.PublicKey))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	c := &Checkpoint{At: d.Clock().UnixMicro()}
	err = d.View(ctx, func(tx *db.Tx) (err error) {
		c.Seq, c.Hash, err = Head(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if n := len(cps); n > 0 && cps[n-1].Seq == c.Seq && cps[n-1].Hash == c.Hash {
		return &cps[n-1], nil
	}
	if last != nil {
		sum := sha256.Sum256(last)
		c.Prev = hex.EncodeToString(sum[:])
	}
	c.Sig = hex.EncodeToString(ed25519.Sign(key, c.message()))
	line, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("write checkpoint: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("write checkpoint: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write checkpoint: %w", err)
	}
	return c, f.Close()
}

// ReadCheckpoints reads the checkpoint file at path and checks every
// signature with pub and the links between lines.
func ReadCheckpoints(path string, pub ed25519.PublicKey) ([]Checkpoint, error) {
	cps, _, err := readFile(path, pub)
	return cps, err
}

// readFile reads and checks the checkpoints of path, returning them and
// the last line's bytes.
func readFile(path string, pub ed25519.PublicKey) ([]Checkpoint, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read checkpoints: %w", err)
	}
	var (
		out  []Checkpoint
		prev []byte
	)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var c Checkpoint
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, nil, fmt.Errorf("checkpoints %s line %d: %w", path, n, err)
		}
		want := ""
		if prev != nil {
			sum := sha256.Sum256(prev)
			want = hex.EncodeToString(sum[:])
		}
		sig, err := hex.DecodeString(c.Sig)
		switch {
		case err != nil || !ed25519.Verify(pub, c.message(), sig):
			return nil, nil, fmt.Errorf("checkpoints %s line %d: the signature does not hold: the file was edited or signed with another key", path, n)
		case c.Prev != want:
			return nil, nil, fmt.Errorf("checkpoints %s line %d: does not follow the line before: a checkpoint was removed", path, n)
		case n > 1 && c.Seq < out[len(out)-1].Seq:
			return nil, nil, fmt.Errorf("checkpoints %s line %d: the head went back from seq %d to %d", path, n, out[len(out)-1].Seq, c.Seq)
		}
		out = append(out, c)
		prev = append(prev[:0], line...)
	}
	return out, prev, sc.Err()
}

// VerifyCheckpoints checks the log against checkpoints taken before: each
// checkpoint's row must still be there with the hash it had. Run it after
// Verify, which checks that the rows chain; together they say that the log
// up to the last checkpoint is the log that was checkpointed.
func VerifyCheckpoints(ctx context.Context, d *db.DB, cps []Checkpoint) error {
	return d.View(ctx, func(tx *db.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&last); err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		checked := map[int64]bool{}
		for _, c := range cps {
			at := time.UnixMicro(c.At).UTC().Format(time.RFC3339)
			if c.Seq > last {
				return &BrokenError{Seq: last + 1, Reason: fmt.Sprintf("rows missing from the end: the checkpoint of %s recorded seq %d, the log ends at %d", at, c.Seq, last)}
			}
			if c.Seq == 0 || checked[c.Seq] {
				continue
			}
			checked[c.Seq] = true
			var hash string
			err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, c.Seq).Scan(&hash)
			if errors.Is(err, sql.ErrNoRows) {
				return &BrokenError{Seq: c.Seq, Reason: fmt.Sprintf("row missing: the checkpoint of %s recorded it", at)}
			}
			if err != nil {
				return fmt.Errorf("read audit log: %w", err)
			}
			if hash != c.Hash {
				return &BrokenError{Seq: c.Seq, Reason: fmt.Sprintf("the log was rewritten: the row's hash differs from the checkpoint of %s", at)}
			}
		}
		return nil
	})
}

// KeepCheckpoints writes a checkpoint now, every interval while ctx lasts
// (when the head has moved), and once more when ctx ends, so that what a
// server recorded is anchored outside the database within an interval.
// Failures go to report; the server keeps serving.
func KeepCheckpoints(ctx context.Context, d *db.DB, path string, key ed25519.PrivateKey, every time.Duration, report func(error)) {
	write := func(ctx context.Context) {
		if _, err := WriteCheckpoint(ctx, d, path, key); err != nil {
			report(err)
		}
	}
	write(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			write(context.WithoutCancel(ctx))
			return
		case <-t.C:
			write(ctx)
		}
	}
}
