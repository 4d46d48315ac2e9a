package db

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

// idEpoch is the zero of the millisecond part of IDs.
var idEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var idGen struct {
	sync.Mutex
	last int64
}

// NewID returns a new positive 63-bit ID: milliseconds since 2024 in the
// high bits, 20 random bits below, and strictly increasing within this
// process. IDs come from the application, not from sequences, so that the
// schema moves unchanged to distributed PostgreSQL-compatible engines.
func NewID() int64 {
	var b [8]byte
	rand.Read(b[:])
	id := time.Since(idEpoch).Milliseconds()<<20 | int64(binary.LittleEndian.Uint32(b[:])&(1<<20-1))
	idGen.Lock()
	defer idGen.Unlock()
	if id <= idGen.last {
		id = idGen.last + 1
	}
	idGen.last = id
	return id
}

// FormatID writes an ID in decimal, as audit events and entity keys carry
// it.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }
