package survey

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// keyStore keeps the keys that seal the ballots of open evaluations until
// they are opened in batches (docs/decisions/0160-ballots-sealed-until-batched.md).
// A key is never in the database: with a directory it is a file of its
// own there, written and synced before the first ballot it seals commits,
// so that a sealed ballot survives a killed process; without one it lives
// in the process only. It is deleted when its evaluation closes.
type keyStore struct {
	mu  sync.Mutex
	dir string
	mem map[int64][]byte
}

// keySize is the length of an AES-256 key.
const keySize = 32

// SetKeyDir keeps the ballot keys in dir, which it creates (mode 0700)
// when missing. Without it, keys live in the process only and a sealed
// ballot that was not yet opened is lost with the process: a server sets a
// directory, outside the database's files and their backups.
func (s *Service) SetKeyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("ballot key directory: %w", err)
	}
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	s.keys.dir = dir
	return nil
}

// errNoKey says that an evaluation has no key where one must be.
var errNoKey = errors.New("the ballot key of the evaluation is missing")

// key returns the key of evaluation id; create makes one when there is
// none, else errNoKey is returned.
func (k *keyStore) key(id int64, create bool) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.mem[id]; ok {
		return key, nil
	}
	if k.dir != "" {
		key, err := os.ReadFile(k.path(id))
		if err == nil && len(key) == keySize {
			k.remember(id, key)
			return key, nil
		}
		if err == nil {
			return nil, fmt.Errorf("ballot key of evaluation %d: %d bytes, want %d", id, len(key), keySize)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read ballot key: %w", err)
		}
	}
	if !create {
		return nil, errNoKey
	}
	key := make([]byte, keySize)
	rand.Read(key)
	if k.dir != "" {
		var err error
		if key, err = k.write(id, key); err != nil {
			return nil, err
		}
	}
	k.remember(id, key)
	return key, nil
}

func (k *keyStore) remember(id int64, key []byte) {
	if k.mem == nil {
		k.mem = map[int64][]byte{}
	}
	k.mem[id] = key
}

func (k *keyStore) path(id int64) string {
	return filepath.Join(k.dir, strconv.FormatInt(id, 10)+".key")
}

// write stores a new key durably — a temporary file, synced, linked into
// place, and the directory synced — and returns the key now in place: a
// key another server process put there first is kept, never replaced,
// since ballots may already be sealed under it.
func (k *keyStore) write(id int64, key []byte) ([]byte, error) {
	f, err := os.CreateTemp(k.dir, "new-*.key")
	if err != nil {
		return nil, fmt.Errorf("write ballot key: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(f.Name(), k.path(id))
	}
	if errors.Is(err, fs.ErrExist) {
		if key, err = os.ReadFile(k.path(id)); err == nil && len(key) != keySize {
			err = fmt.Errorf("%d bytes, want %d", len(key), keySize)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write ballot key: %w", err)
	}
	return key, k.syncDir()
}

func (k *keyStore) syncDir() error {
	d, err := os.Open(k.dir)
	if err != nil {
		return fmt.Errorf("sync ballot key directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync ballot key directory: %w", err)
	}
	return nil
}

// drop forgets the key of evaluation id and deletes its file: once its
// sealed ballots are opened, nothing may open a copy of them again.
func (k *keyStore) drop(id int64) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.mem, id)
	if k.dir == "" {
		return nil
	}
	if err := os.Remove(k.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete ballot key: %w", err)
	}
	return k.syncDir()
}
