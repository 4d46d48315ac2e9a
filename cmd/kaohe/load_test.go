package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestLoadCommand runs a small load: every ballot cast over HTTP, counted.
func TestLoadCommand(t *testing.T) {
	code, stdout, stderr := runKaohe(t, "load", "--raters", "60", "--cadres", "3", "--within", "1s", "--p99", "10s")
	if code != 0 || !strings.Contains(stdout, "PASS") || !strings.Contains(stdout, "errors 0; ballots stored 60, codes used 60") {
		t.Fatalf("kaohe load: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// mainEnv makes a re-executed test binary run kaohe itself with the
// arguments in it, separated by newlines.
const mainEnv = "KAOHE_TEST_MAIN_ARGS"

// TestMainProcess is not a test: run by TestServeKill9 in a child
// process, it is kaohe; in the ordinary test run it does nothing.
func TestMainProcess(t *testing.T) {
	args := os.Getenv(mainEnv)
	if args == "" {
		return
	}
	os.Exit(run(context.Background(), strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// startServe runs `kaohe serve` on dsn with its ballot keys in keys in a
// child process, killed when the test ends, and returns it with the
// address it listens on.
func startServe(t *testing.T, dsn, keys string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
	cmd.Env = append(os.Environ(), mainEnv+"=serve\n--db\n"+dsn+"\n--ballot-keys\n"+keys+"\n--addr\n127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var base string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), " on http://"); ok {
			base = "http://" + strings.TrimSuffix(after, "/")
			break
		}
	}
	if base == "" {
		t.Fatal("kaohe serve did not start")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return cmd, base
}

// killDuring sends the n requests of send (k from 0) from 16 goroutines
// to the server cmd, kills it with SIGKILL after the killAt-th
// acknowledgement, and returns what was acknowledged: the keys send
// returned without an error. An error before the kill fails the test.
func killDuring(t *testing.T, cmd *exec.Cmd, n, killAt int, send func(k int) (string, error)) map[string]bool {
	t.Helper()
	var (
		mu      sync.Mutex
		acked   = map[string]bool{}
		next    atomic.Int64
		wg      sync.WaitGroup
		killed  atomic.Bool
		killOne sync.Once
	)
	for range 16 {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				key, err := send(k)
				if err != nil {
					if !killed.Load() {
						t.Errorf("request %d before the kill: %v", k, err)
					}
					return
				}
				mu.Lock()
				acked[key] = true
				count := len(acked)
				mu.Unlock()
				if count == killAt {
					killOne.Do(func() {
						killed.Store(true)
						cmd.Process.Kill() // SIGKILL: no shutdown, no checkpoint
					})
				}
			}
		})
	}
	wg.Wait()
	cmd.Wait()
	if !killed.Load() {
		t.Fatalf("the server was not killed: only %d requests acknowledged", len(acked))
	}
	t.Logf("killed after %d acknowledged requests; %d acknowledged in all", killAt, len(acked))
	return acked
}

// TestServeKill9 runs `kaohe serve` in a child process on each engine,
// casts ballots on the phone pages from 16 goroutines, kills the server
// with SIGKILL in the middle, reopens the database and checks that no
// acknowledged ballot was lost: every acknowledged code is marked used,
// and every used code has its ballot once the evaluation is closed, which
// opens the ballots still sealed with the keys serve kept. (Ballots
// cannot be matched to codes; that is the point.)
func TestServeKill9(t *testing.T) {
	dbtest.EachDSN(t, serveKill9)
}

func serveKill9(t *testing.T, dsn string) {
	ctx := context.Background()
	keys := filepath.Join(t.TempDir(), "ballot-keys")
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 900
	e, codes, err := loadFixture(ctx, d, n, 10)
	if err != nil {
		t.Fatal(err)
	}
	form := loadForm(e)
	d.Close()

	cmd, base := startServe(t, dsn, keys)

	client := &http.Client{Timeout: 10 * time.Second}
	acked := killDuring(t, cmd, n, n/3, func(k int) (string, error) {
		code := codes[k].Code
		_, _, err := castOne(ctx, client, base, code, form)
		return code, err
	})

	d, err = db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The restarted service finds the keys where serve kept them, to open
	// the ballots still sealed.
	s := survey.NewService(d, auth.Policy{})
	if err := s.SetKeyDir(keys); err != nil {
		t.Fatal(err)
	}
	all, err := s.Codes(ctx, auth.SystemActor("test"), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, c := range all {
		if c.Used {
			used++
		}
		if acked[c.Code] && !c.Used {
			t.Errorf("acknowledged code %s is not marked used after kill -9", c.Code)
		}
	}
	if _, err := s.Close(ctx, auth.SystemActor("test"), e.ID); err != nil {
		t.Fatal(err)
	}
	var ballots int
	if err := d.SQL.QueryRow(`SELECT COUNT(*) FROM ballots`).Scan(&ballots); err != nil {
		t.Fatal(err)
	}
	if ballots != used || ballots < len(acked) {
		t.Errorf("after kill -9: %d ballots, %d codes used, %d acknowledged; want ballots = used ≥ acknowledged", ballots, used, len(acked))
	}
	t.Logf("%d ballots stored", ballots)
}
