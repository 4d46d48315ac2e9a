package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"kaohe/internal/score"
	"kaohe/internal/scorefile"
)

// runScore scores files with the engine, without a database:
//
//	kaohe score --scheme scheme.json --entities entities.csv --values values.csv
//	    [--ratings ratings.csv] [--findings findings.csv] [--draws N --seed S]
//	    [--encoding auto|utf8|gbk] --out results.csv [--explain explain.csv]
//	kaohe score --synth 100000x40 --dir DIR [--seed S]
//
// Bad input exits 2 with one message naming the file, line and field, and
// writes no output file. Suspicious input that can be scored (a values file
// without values) is reported on stderr, one line per warning, and scored.
func runScore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("score", "", stderr)
	var (
		files    scorefile.Files
		out      = fs.String("out", "", "results CSV to write (required)")
		explain  = fs.String("explain", "", "explanation CSV to write: one line per entity and contribution")
		draws    = fs.Int("draws", 0, "Monte Carlo draws over the weights for rank intervals (0: none)")
		seed     = fs.Uint64("seed", 1, "seed of the Monte Carlo draws and of --synth")
		encoding = fs.String("encoding", "auto", "encoding of the CSV files: auto, utf8 or gbk")
		synth    = fs.String("synth", "", "instead of scoring, write synthetic files of ENTITIESxINDICATORS, e.g. 100000x40, to --dir")
		dir      = fs.String("dir", "", "directory for --synth")
	)
	fs.StringVar(&files.Scheme, "scheme", "", "scheme JSON (required)")
	fs.StringVar(&files.Entities, "entities", "", "entities CSV: entity,name,group (required)")
	fs.StringVar(&files.Values, "values", "", "values CSV in long form: entity,indicator,value (required)")
	fs.StringVar(&files.Ratings, "ratings", "", "ratings CSV: entity,indicator,rater_group,score or …,grade,count")
	fs.StringVar(&files.Findings, "findings", "", "findings CSV: finding,entity,indicator,points,status[,note]")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "unexpected argument %q", fs.Arg(0))
	}
	if *synth != "" {
		if files != (scorefile.Files{}) || *out != "" || *explain != "" {
			return usageError(stderr, "--synth writes input files: give it only --dir and --seed")
		}
		return runSynth(*synth, *dir, *seed, stdout, stderr)
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"--scheme", files.Scheme}, {"--entities", files.Entities}, {"--values", files.Values}, {"--out", *out},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return usageError(stderr, "missing %s; run 'kaohe score -h' for the flags", strings.Join(missing, ", "))
	}
	if *draws < 0 {
		return usageError(stderr, "--draws must not be negative")
	}
	if *explain != "" && filepath.Clean(*explain) == filepath.Clean(*out) {
		return usageError(stderr, "--explain and --out name the same file")
	}
	for _, p := range []string{*out, *explain} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
			return usageError(stderr, "cannot write %s: no directory %s", p, filepath.Dir(p))
		}
	}
	enc, err := scorefile.ParseEncoding(*encoding)
	if err != nil {
		return usageError(stderr, "--encoding: %v", err)
	}

	in, warnings, err := scorefile.Load(files, enc)
	if err != nil {
		return inputError(stderr, err)
	}
	// Warnings (one line each) are about input that can be scored but is
	// probably not what was meant; the run goes on.
	for _, w := range warnings {
		fmt.Fprintln(stderr, w)
	}
	in.Options.Draws = *draws
	in.Options.Seed = *seed
	// The file bytes (75 MB for 4,000,000 value rows) are garbage now:
	// collect them so that the engine's matrices reuse their memory.
	runtime.GC()
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "kaohe score: %v\n", err)
		return 1
	}
	res, err := score.Compute(in)
	if err != nil {
		return inputError(stderr, err)
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "kaohe score: %v\n", err)
		return 1
	}
	if err := writeOutputs(in, res, *out, *explain); err != nil {
		fmt.Fprintf(stderr, "kaohe score: %v\n", err)
		return 1
	}
	return 0
}

// writeOutputs writes the results file and, if asked, the explanation, each
// through a temporary file in its directory; both are written and flushed
// in full before either is renamed into place, so a failure leaves
// neither.
func writeOutputs(in *score.Input, res *score.Output, out, explain string) error {
	r, err := scorefile.Create(out)
	if err != nil {
		return err
	}
	defer r.Abort()
	if err := scorefile.WriteResults(r, in.Scheme, res); err != nil {
		return err
	}
	var e *scorefile.Output
	if explain != "" {
		if e, err = scorefile.Create(explain); err != nil {
			return err
		}
		defer e.Abort()
		if err := scorefile.WriteExplain(e, res); err != nil {
			return err
		}
	}
	if e != nil {
		return scorefile.CommitAll(r, e)
	}
	return r.Commit()
}

// inputError prints a bad-input error as one line and returns exit status
// 2: file errors already read "file:line: message (field f)".
func inputError(stderr io.Writer, err error) int {
	var fe *scorefile.Error
	var se *score.Error
	switch {
	case errors.As(err, &fe):
		fmt.Fprintln(stderr, fe.Error())
	case errors.As(err, &se):
		fmt.Fprintf(stderr, "kaohe score: %v\n", se)
	default:
		fmt.Fprintf(stderr, "kaohe score: %v\n", err)
		return 1
	}
	return 2
}

// usageError prints a usage problem and returns exit status 2.
func usageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "kaohe score: "+format+"\n", args...)
	return 2
}

// runSynth writes synthetic scheme, entities and values files.
func runSynth(size, dir string, seed uint64, stdout, stderr io.Writer) int {
	n, m, err := parseSize(size)
	if err != nil {
		return usageError(stderr, "--synth: %v", err)
	}
	if dir == "" {
		return usageError(stderr, "--synth needs --dir")
	}
	paths, err := scorefile.WriteSynth(dir, n, m, seed)
	if err != nil {
		fmt.Fprintf(stderr, "kaohe score: %v\n", err)
		return 1
	}
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	return 0
}

// parseSize reads "ENTITIESxINDICATORS", e.g. "100000x40".
func parseSize(s string) (entities, indicators int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		entities, err = strconv.Atoi(a)
		if err == nil {
			indicators, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || entities < 1 || indicators < 1 {
		return 0, 0, fmt.Errorf("%q is not ENTITIESxINDICATORS, e.g. 100000x40", s)
	}
	return entities, indicators, nil
}
