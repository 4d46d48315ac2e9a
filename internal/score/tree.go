package score

// tree is a compiled, validated scheme: nodes in scheme order plus a
// synthetic root at index len(s.Indicators).
type tree struct {
	s     *Scheme
	nodes []tnode
	root  int
	// post lists the aggregated inner nodes (dimensions and the root),
	// children before parents.
	post []int
	// pre lists the aggregated inner nodes, parents before children.
	pre []int
	// leaves are the node indices of quantitative and qualitative leaves,
	// in scheme order; leafOf[node] is the leaf index or -1.
	leaves []int
	leafOf []int
	// extras are the bonus, deduction and veto nodes in scheme order.
	extras []int
	// index maps a code to its node index.
	index map[string]int
	// ahp holds the AHP weights of a node's children (nil if not AHP).
	ahp [][]float64
}

// tnode is one node of a compiled tree.
type tnode struct {
	code     string
	kind     Kind
	parent   int // -1 for a top-level node (parent is the root)
	children []int
	// scored are the aggregated children (dimensions and leaves).
	scored    []int
	weighting Weighting
	agg       Aggregation
	ind       *Indicator
}

// kindOf returns the kind of an indicator with defaults applied.
func kindOf(ind *Indicator, hasChildren bool) Kind {
	if ind.Kind != "" {
		return ind.Kind
	}
	if hasChildren {
		return KindDimension
	}
	return KindQuantitative
}

func isScored(k Kind) bool {
	return k == KindDimension || k == KindQuantitative || k == KindQualitative
}

// compile builds the tree of a scheme that has passed Validate.
func compile(s *Scheme) *tree {
	n := len(s.Indicators)
	t := &tree{s: s, root: n, index: make(map[string]int, n), leafOf: make([]int, n+1)}
	for i := range s.Indicators {
		t.index[s.Indicators[i].Code] = i
	}
	t.nodes = make([]tnode, n+1)
	hasChildren := make([]bool, n)
	for i := range s.Indicators {
		if p, ok := t.index[s.Indicators[i].Parent]; ok && s.Indicators[i].Parent != "" {
			hasChildren[p] = true
		}
	}
	for i := range s.Indicators {
		ind := &s.Indicators[i]
		nd := tnode{code: ind.Code, kind: kindOf(ind, hasChildren[i]), parent: -1, ind: ind,
			weighting: ind.Weighting, agg: ind.Aggregation}
		if ind.Parent != "" {
			nd.parent = t.index[ind.Parent]
		}
		t.nodes[i] = nd
	}
	t.nodes[n] = tnode{code: "", kind: KindDimension, parent: -1, weighting: s.Weighting, agg: s.Aggregation}
	for i := range s.Indicators {
		p := t.nodes[i].parent
		if p < 0 {
			p = n
		}
		t.nodes[p].children = append(t.nodes[p].children, i)
		if isScored(t.nodes[i].kind) {
			t.nodes[p].scored = append(t.nodes[p].scored, i)
		}
	}
	for i := range t.nodes {
		if t.nodes[i].weighting == "" {
			t.nodes[i].weighting = WeightExpert
		}
		if t.nodes[i].agg == "" {
			t.nodes[i].agg = Arithmetic
		}
	}
	for i := range t.leafOf {
		t.leafOf[i] = -1
	}
	for i := 0; i < n; i++ {
		switch t.nodes[i].kind {
		case KindQuantitative, KindQualitative:
			t.leafOf[i] = len(t.leaves)
			t.leaves = append(t.leaves, i)
		case KindBonus, KindDeduction, KindVeto:
			t.extras = append(t.extras, i)
		}
	}
	var walk func(i int)
	walk = func(i int) {
		t.pre = append(t.pre, i)
		for _, c := range t.nodes[i].scored {
			if t.nodes[c].kind == KindDimension {
				walk(c)
			}
		}
		t.post = append(t.post, i)
	}
	walk(n)
	t.ahp = make([][]float64, n+1)
	for i := range t.nodes {
		if t.nodes[i].weighting == WeightAHP {
			m := s.AHP
			if i < n {
				m = s.Indicators[i].AHP
			}
			// A malformed matrix gets no weights here; Validate reports it.
			if _, msg := checkMatrix(m, len(t.nodes[i].scored)); msg == "" {
				t.ahp[i], _, _ = ahpWeights(m)
			}
		}
	}
	return t
}
