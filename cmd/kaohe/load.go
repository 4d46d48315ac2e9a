package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/org"
	"kaohe/internal/server"
	"kaohe/internal/survey"
)

// runLoad is the load test of democratic evaluation: it sets up an
// evaluation of a county's leading cadres in a fresh database, serves it on
// loopback, and has every rater open the phone ballot and cast it over HTTP,
// each starting at a random moment within --within (0: all at the same
// instant). It reports errors and latency percentiles and checks that every
// ballot was acknowledged and counted and that the 99th percentile of a
// submission is within --p99.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("load", "", stderr)
	raters := fs.Int("raters", 2000, "number of raters, each with a ballot code")
	cadres := fs.Int("cadres", 10, "number of cadres on the ballot")
	within := fs.Duration("within", 10*time.Second, "the raters start at random moments within this long (0: all at once)")
	p99Budget := fs.Duration("p99", 500*time.Millisecond, "99th-percentile budget of a ballot submission")
	dsn := fs.String("db", "", "database to use (default: a fresh SQLite file in a temporary directory)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	verbose := fs.Bool("v", false, "log the server's errors to standard error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *raters < 1 || *raters > survey.MaxCodes || *cadres < 1 || *cadres > 100 {
		fmt.Fprintf(stderr, "kaohe load: --raters must be 1 to %d and --cadres 1 to 100\n", survey.MaxCodes)
		return 2
	}
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "kaohe-load-")
		if err != nil {
			fmt.Fprintf(stderr, "kaohe load: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		*dsn = "sqlite:" + filepath.Join(dir, "kaohe.db")
	}
	d, code := openDB(ctx, *dsn, stderr)
	if d == nil {
		return code
	}
	defer d.Close()

	e, codes, err := loadFixture(ctx, d, *raters, *cadres)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe load: set up: %v\n", err)
		return 1
	}
	logs := io.Discard
	if *verbose {
		logs = stderr
	}
	srv, err := server.New(server.Config{DB: d, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		fmt.Fprintf(stderr, "kaohe load: %v\n", err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "kaohe load: %v\n", err)
		return 1
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go srv.Serve(sctx, l)
	base := "http://" + l.Addr().String()
	form := loadForm(e)
	fmt.Fprintf(stdout, "kaohe load: %d raters starting within %s, %d cadres × %d items each, %s, server %s\n",
		*raters, *within, *cadres, len(survey.QCadre.Items), d, base)

	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: *raters, MaxIdleConnsPerHost: *raters, IdleConnTimeout: time.Minute,
		},
	}
	var (
		mu        sync.Mutex
		posts     []time.Duration
		gets      []time.Duration
		failures  []string
		wg        sync.WaitGroup
		startGate = make(chan struct{})
	)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "kaohe load: %v\n", err)
			return 1
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var start time.Time
	for i, c := range codes {
		delay := time.Duration(0)
		if *within > 0 {
			delay = time.Duration(rand.Int64N(int64(*within)))
		}
		wg.Go(func() {
			<-startGate
			time.Sleep(delay)
			get, post, err := castOne(ctx, client, base, c.Code, form)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures = append(failures, fmt.Sprintf("rater %d: %v", i, err))
				return
			}
			gets, posts = append(gets, get), append(posts, post)
		})
	}
	start = time.Now()
	close(startGate)
	wg.Wait()
	wall := time.Since(start)

	ps, err := survey.NewService(d, auth.Policy{}).Participation(ctx, auth.SystemActor("load"), e.ID)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe load: %v\n", err)
		return 1
	}
	var ballots int
	if err := d.View(ctx, func(tx *db.Tx) (err error) {
		ballots, err = survey.BallotCount(ctx, tx, e.ID)
		return err
	}); err != nil {
		fmt.Fprintf(stderr, "kaohe load: %v\n", err)
		return 1
	}
	used := 0
	for _, p := range ps {
		used += p.Used
	}
	slices.Sort(posts)
	slices.Sort(gets)
	fmt.Fprintf(stdout, "cast %d of %d ballots in %s (%.0f ballots/s); errors %d; ballots stored %d, codes used %d\n",
		len(posts), *raters, wall.Round(time.Millisecond), float64(len(posts))/wall.Seconds(), len(failures), ballots, used)
	fmt.Fprintf(stdout, "submit (POST /b/{code}) p50 %s  p90 %s  p99 %s  max %s\n",
		pct(posts, 50), pct(posts, 90), pct(posts, 99), pct(posts, 100))
	fmt.Fprintf(stdout, "ballot page (GET /b/{code}) p50 %s  p90 %s  p99 %s  max %s\n",
		pct(gets, 50), pct(gets, 90), pct(gets, 99), pct(gets, 100))
	for i, f := range failures {
		if i == 10 {
			fmt.Fprintf(stderr, "… and %d more\n", len(failures)-10)
			break
		}
		fmt.Fprintln(stderr, f)
	}
	ok := len(failures) == 0 && ballots == *raters && used == *raters && len(posts) > 0 && percentile(posts, 99) <= *p99Budget
	if !ok {
		fmt.Fprintf(stdout, "FAIL: want no error, %d ballots counted, submit p99 ≤ %s\n", *raters, *p99Budget)
		return 1
	}
	fmt.Fprintln(stdout, "PASS")
	return 0
}

// castOne opens the ballot page of a code and casts the ballot, as a
// phone would, and returns the two latencies.
func castOne(ctx context.Context, client *http.Client, base, code string, form string) (get, post time.Duration, err error) {
	t0 := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/b/"+code, nil)
	res, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	get = time.Since(t0)
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET ballot: status %d", res.StatusCode)
	}
	t1 := time.Now()
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/b/"+code, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	post = time.Since(t1)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "state-done") {
		return 0, 0, fmt.Errorf("POST ballot: status %d", res.StatusCode)
	}
	return get, post, nil
}

// loadForm is a complete ballot as form fields: every cadre 称职, every
// item 较好.
func loadForm(e *survey.Evaluation) string {
	v := url.Values{}
	for _, s := range e.Subjects {
		for _, it := range s.Q().Items {
			v.Set(fmt.Sprintf("a.%d.%s", s.ID, it.Code), it.Scale.Grades[1].Label)
		}
	}
	return v.Encode()
}

// loadFixture builds a city, a county with a team of n cadres, and an open
// evaluation of those cadres with raters codes over three rater groups.
func loadFixture(ctx context.Context, d *db.DB, raters, n int) (*survey.Evaluation, []survey.Code, error) {
	sys := auth.SystemActor("load")
	o := org.NewService(d, auth.Policy{})
	city, err := o.CreateUnit(ctx, sys, org.Unit{Code: "990100", Name: "测试市", Kind: org.KindRegion, Level: org.LevelCity})
	if err != nil {
		return nil, nil, err
	}
	county, err := o.CreateUnit(ctx, sys, org.Unit{ParentID: city.ID, Code: "990102", Name: "测试县", Kind: org.KindRegion, Level: org.LevelCounty})
	if err != nil {
		return nil, nil, err
	}
	var subjects []survey.Subject
	for i := range n {
		p, err := o.CreatePerson(ctx, sys, org.Person{Name: fmt.Sprintf("干部%03d", i+1), Gender: org.Male, BirthDate: "1975-01-01",
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: county.ID})
		if err != nil {
			return nil, nil, err
		}
		if _, err := o.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: county.ID, Title: "副县长", Rank: org.RankViceDivision,
			Team: true, Sort: i, Start: "2023-01-01"}); err != nil {
			return nil, nil, err
		}
		subjects = append(subjects, survey.Subject{Kind: survey.SubjectCadre, UnitID: county.ID, PersonID: p.ID})
	}
	s := survey.NewService(d, auth.Policy{})
	e, err := s.Create(ctx, sys, survey.Evaluation{UnitID: county.ID, Kind: survey.KindEvaluation, Title: "负载测试民主测评",
		Period: "2025", Rules: survey.Rules{MinGroupSize: 5, UniformTopInvalid: true},
		Groups: []survey.Group{{Code: survey.GroupSuperior, Weight: 0.4}, {Code: survey.GroupPeer, Weight: 0.3},
			{Code: survey.GroupSubordinate, Weight: 0.3}},
		Subjects: subjects})
	if err != nil {
		return nil, nil, err
	}
	var codes []survey.Code
	for k, g := range e.Groups {
		m := raters / 3
		if k == 0 {
			m = raters - 2*(raters/3)
		}
		if m == 0 {
			continue
		}
		cs, err := s.IssueCodes(ctx, sys, e.ID, g.Code, m)
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, cs...)
	}
	if e, err = s.Open(ctx, sys, e.ID); err != nil {
		return nil, nil, err
	}
	return e, codes, nil
}

// percentile returns the p-th percentile (nearest rank) of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	k := (p*len(ds) + 99) / 100
	if k < 1 {
		k = 1
	}
	return ds[k-1]
}

func pct(ds []time.Duration, p int) string {
	return percentile(ds, p).Round(100 * time.Microsecond).String()
}
