package score

import (
	"math/rand/v2"
	"slices"
	"sync"
)

// altMethods are the alternative normalisations a draw may pick when
// Options.AltNormalisation is set (index 0 is the scheme's own).
var altMethods = []Method{"", MinMax, ZScore, Rank}

// altAggregations are the alternative aggregations a draw may pick when
// Options.AltAggregation is set ("" is the scheme's own).
var altAggregations = []Aggregation{"", Arithmetic, Geometric}

// drawScratch is one worker's working memory for scoring a group.
type drawScratch struct {
	cols      [][]float64
	w         []float64
	den, base []float64
	keys      []float64
	packed    []uint64
	rks       []int32
}

func (e *engine) newScratch(ng int) *drawScratch {
	t := e.t
	s := &drawScratch{cols: make([][]float64, len(t.nodes)), w: make([]float64, len(t.nodes)),
		den: make([]float64, ng), base: make([]float64, ng), keys: make([]float64, ng),
		packed: make([]uint64, ng), rks: make([]int32, ng)}
	for _, i := range t.post {
		s.cols[i] = make([]float64, ng)
	}
	return s
}

// renormWithin normalises the weights of each inner node's scored
// children to sum 1, leaving all-zero sets at zero.
func renormWithin(t *tree, w []float64) {
	for _, i := range t.post {
		sum := 0.0
		for _, c := range t.nodes[i].scored {
			sum += w[c]
		}
		if sum > 0 {
			for _, c := range t.nodes[i].scored {
				w[c] /= sum
			}
		}
	}
}

// rescore scores group g with the local weights in s.w, the leaf columns
// leaf (one per leaf) and an aggregation override, and ranks the totals
// into s.rks.
func (e *engine) rescore(g *group, s *drawScratch, leaf [][]float64, agg Aggregation) {
	t := e.t
	for l, node := range t.leaves {
		s.cols[node] = leaf[l]
	}
	t.aggregateAll(s.cols, s.w, agg, s.den)
	var eff []float64
	if e.in.Scheme.Composite == CompositeTOPSIS {
		eff = effectiveWeights(t, s.w)
	}
	e.baseTotals(g, s.cols, eff, s.base)
	for k, r := range g.rows {
		b := s.base[k]
		if isNaN(b) {
			b = 0
		}
		s.keys[k] = tieKey(b + e.extra[r])
	}
	rankKeys(s.keys, s.packed, s.rks)
}

// monteCarlo runs Options.Draws draws per group. Draw d uses a PCG seeded
// with (Seed, d): it first draws one factor 1 + U(−f, f) per node in
// scheme order (the same factors in every group), then, if enabled, the
// normalisation and the aggregation. Weights are the group's baseline
// local weights times the factors, re-normalised within each parent
// (data-driven weights are not re-estimated). Rank percentiles use the
// nearest-rank method. Draws are split over workers in contiguous blocks;
// each draw's result depends only on (Seed, d), so the output does not
// depend on the number of workers.
func (e *engine) monteCarlo(groups []*group) {
	opt := e.in.Options
	f := opt.Perturb
	if f == 0 {
		f = DefaultPerturb
	}
	t := e.t
	nd := opt.Draws
	for _, g := range groups {
		ng := len(g.rows)
		leafSets := [][][]float64{make([][]float64, len(t.leaves))}
		for l, node := range t.leaves {
			leafSets[0][l] = g.cols[node]
		}
		if opt.AltNormalisation {
			for _, m := range altMethods[1:] {
				set := make([][]float64, len(t.leaves))
				for l := range t.leaves {
					set[l] = make([]float64, ng)
					e.normaliseLeaf(set[l], l, g.treated[l], m)
				}
				leafSets = append(leafSets, set)
			}
		}
		ranks := make([]int32, ng*nd)
		nw := min(workers(opt.Workers), nd)
		var wg sync.WaitGroup
		for w := range nw {
			lo, hi := w*nd/nw, (w+1)*nd/nw
			wg.Go(func() {
				s := e.newScratch(ng)
				factor := make([]float64, len(t.nodes))
				for d := lo; d < hi; d++ {
					rng := rand.New(rand.NewPCG(opt.Seed, uint64(d)))
					for i := range factor {
						factor[i] = 1 + f*(2*rng.Float64()-1)
					}
					set := 0
					if opt.AltNormalisation {
						set = rng.IntN(len(altMethods))
					}
					var agg Aggregation
					if opt.AltAggregation {
						agg = altAggregations[rng.IntN(len(altAggregations))]
					}
					for i := range s.w {
						s.w[i] = g.local[i] * factor[i]
					}
					renormWithin(t, s.w)
					e.rescore(g, s, leafSets[set], agg)
					for k, rk := range s.rks {
						ranks[k*nd+d] = rk
					}
				}
			})
		}
		wg.Wait()
		parallel(nw, nw, func(w int) {
			lo, hi := w*ng/nw, (w+1)*ng/nw
			for k := lo; k < hi; k++ {
				rs := ranks[k*nd : (k+1)*nd]
				slices.Sort(rs)
				res := &e.out.Entities[g.rows[k]]
				res.RankP05 = percentile(rs, 0.05)
				res.RankP50 = percentile(rs, 0.50)
				res.RankP95 = percentile(rs, 0.95)
			}
		})
	}
}

// sensitivity removes each leaf in turn (weight 0, siblings re-normalised)
// and reports the mean and largest absolute rank shift over all entities.
func (e *engine) sensitivity(groups []*group) {
	t := e.t
	nl := len(t.leaves)
	sum := make([]int64, nl)
	mx := make([]int, nl)
	var mu sync.Mutex
	type task struct{ g, l int }
	var tasks []task
	for gi := range groups {
		for l := range t.leaves {
			tasks = append(tasks, task{gi, l})
		}
	}
	parallel(len(tasks), workers(e.in.Options.Workers), func(k int) {
		g, l := groups[tasks[k].g], tasks[k].l
		s := e.newScratch(len(g.rows))
		copy(s.w, g.local)
		s.w[t.leaves[l]] = 0
		renormWithin(t, s.w)
		leaf := make([][]float64, nl)
		for m, node := range t.leaves {
			leaf[m] = g.cols[node]
		}
		e.rescore(g, s, leaf, "")
		var tot int64
		big := 0
		for k, r := range g.rows {
			d := int(s.rks[k]) - e.out.Entities[r].Rank
			d = max(d, -d)
			tot += int64(d)
			big = max(big, d)
		}
		mu.Lock()
		sum[l] += tot
		mx[l] = max(mx[l], big)
		mu.Unlock()
	})
	n := float64(len(e.in.Entities))
	e.out.Sensitivity = make([]Sensitivity, nl)
	for l, node := range t.leaves {
		mean := 0.0
		if n > 0 {
			mean = float64(sum[l]) / n
		}
		e.out.Sensitivity[l] = Sensitivity{Indicator: t.nodes[node].code, MeanAbsRankShift: mean, MaxAbsRankShift: mx[l]}
	}
}
