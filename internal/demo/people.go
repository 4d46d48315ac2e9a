package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/org"
)

// The cadres: every unit's leadership seats are filled, then some holders
// get a previous post from which they were promoted or transferred within
// the three years up to historyEnd, handing that seat to its present holder
// on the same day.

var (
	historyStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	historyEnd   = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	earliest     = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
)

// seat is a post of a unit as held today.
type seat struct {
	unit   *org.Unit
	role   string // e.g. "county.head": the pools a seat is drawn from
	title  string
	rank   org.Rank
	team   bool
	sort   int
	holder *cadre
	// taken marks a seat whose earlier holder is already drawn.
	taken bool
	// scopes are the units whose pools list the seat: province, city,
	// and county when there is one.
	scopes []int64
	// heads lists departments whose head post the holder holds concurrently.
	heads []*seat
}

// cadre is a person with the seat held today.
type cadre struct {
	person *org.Person
	seat   *seat
	start  time.Time
	// done marks a cadre whose history is drawn: its start is fixed.
	done bool
	prev *org.Post
}

type cadres struct {
	list  []*cadre
	seats []*seat
	pools map[poolKey][]*seat
	// login is the cadre who gets the cadre sign-in: 清河区's 区长.
	login *cadre
	posts []*org.Post
}

type poolKey struct {
	role  string
	scope int64
}

// feeders says, for each role, which roles at which scope a holder may have
// come from: a promotion from the rank below, or a transfer on the same rank.
var feeders = map[string][]struct{ role, scope string }{
	"city.secretary":   {{"city.head", "province"}, {"city.deputysec", "province"}},
	"city.head":        {{"city.deputysec", "province"}, {"city.exec", "province"}},
	"city.deputysec":   {{"city.deputy", "province"}, {"county.secretary", "city"}},
	"city.exec":        {{"city.deputy", "province"}, {"county.secretary", "city"}},
	"city.standing":    {{"city.deputy", "province"}, {"county.secretary", "city"}},
	"city.deputy":      {{"county.secretary", "city"}, {"cdept.head", "city"}},
	"cdept.head":       {{"cdept.deputy", "city"}, {"county.deputy", "city"}, {"cdept.head", "city"}},
	"cdept.deputy":     {{"town.secretary", "city"}, {"kdept.head", "city"}, {"cdept.deputy", "city"}},
	"cdept.researcher": {{"cdept.deputy", "city"}},
	"county.secretary": {{"county.head", "city"}, {"county.deputysec", "city"}},
	"county.head":      {{"county.deputysec", "city"}, {"county.exec", "city"}, {"cdept.head", "city"}},
	"county.deputysec": {{"county.deputy", "city"}, {"cdept.deputy", "city"}},
	"county.exec":      {{"county.deputy", "city"}, {"cdept.deputy", "city"}},
	"county.standing":  {{"county.deputy", "city"}, {"cdept.deputy", "city"}},
	"county.deputy":    {{"town.secretary", "city"}, {"cdept.deputy", "city"}},
	"kdept.head":       {{"town.head", "county"}, {"kdept.deputy", "county"}},
	"kdept.deputy":     {{"town.deputy", "county"}},
	"town.secretary":   {{"town.head", "county"}},
	"town.head":        {{"town.deputy", "county"}, {"kdept.deputy", "county"}},
	"town.deputy":      {{"town.deputy", "county"}},
}

// ages gives the range of ages at the end of 2025 of the holders of a rank.
var ages = map[org.Rank][2]int{
	org.RankProvincial: {56, 62}, org.RankViceProvincial: {52, 60},
	org.RankBureau: {50, 58}, org.RankViceBureau: {45, 57},
	org.RankDivision: {42, 57}, org.RankViceDivision: {35, 55},
	org.RankSection: {30, 52}, org.RankViceSection: {26, 48},
}

var minorities = []string{"回族", "满族", "壮族", "土家族", "苗族", "畲族", "蒙古族", "彝族"}

// seatsOf lists the leadership seats of the jurisdiction's units.
func seatsOf(r *rand.Rand, j *jurisdiction) *cadres {
	c := &cadres{pools: map[poolKey][]*seat{}}
	// Protocol order within a unit is the order its seats are added in.
	sorts := map[int64]int{}
	add := func(u *org.Unit, scopes []int64, role, title string, rank org.Rank, team bool) *seat {
		sorts[u.ID]++
		s := &seat{unit: u, role: role, title: title, rank: rank, team: team, scopes: scopes, sort: sorts[u.ID]}
		c.seats = append(c.seats, s)
		for _, sc := range scopes {
			k := poolKey{role, sc}
			c.pools[k] = append(c.pools[k], s)
		}
		return s
	}
	p := j.province
	ps := []int64{p.ID}
	add(p, ps, "province.secretary", "省委书记", org.RankProvincial, true)
	add(p, ps, "province.head", "省长", org.RankProvincial, true)
	add(p, ps, "province.exec", "常务副省长", org.RankViceProvincial, true)

	for _, city := range j.cities {
		cu := city.unit
		cs := []int64{p.ID, cu.ID}
		add(cu, cs, "city.secretary", "市委书记", org.RankBureau, true)
		add(cu, cs, "city.head", "市长", org.RankBureau, true)
		add(cu, cs, "city.deputysec", "市委副书记", org.RankViceBureau, true)
		add(cu, cs, "city.exec", "常务副市长", org.RankViceBureau, true)
		portfolios := map[string]*seat{}
		for _, pf := range []string{"纪委书记、监委主任", "组织部部长", "宣传部部长", "政法委书记"} {
			portfolios[pf] = add(cu, cs, "city.standing", "市委常委、"+pf, org.RankViceBureau, true)
		}
		deputies := 3 + r.IntN(2)
		for range deputies {
			add(cu, cs, "city.deputy", "副市长", org.RankViceBureau, true)
		}
		for _, d := range city.depts {
			if holder := portfolios[d.spec.concurrent]; holder != nil {
				sorts[d.unit.ID]++
				h := &seat{unit: d.unit, role: "cdept.head", title: d.spec.head, rank: holder.rank, team: true, sort: sorts[d.unit.ID]}
				holder.heads = append(holder.heads, h)
			} else {
				add(d.unit, cs, "cdept.head", d.spec.head, org.RankDivision, true)
			}
			for range 1 + r.IntN(3) {
				add(d.unit, cs, "cdept.deputy", d.spec.deputy, org.RankViceDivision, true)
			}
			if r.IntN(10) < 3 {
				add(d.unit, cs, "cdept.researcher", "四级调研员", org.RankViceDivision, false)
			}
		}
		for _, k := range city.counties {
			ku := k.unit
			ks := []int64{p.ID, cu.ID, ku.ID}
			l := string(k.kind) // 区, 县 or 市
			add(ku, ks, "county.secretary", l+"委书记", org.RankDivision, true)
			add(ku, ks, "county.head", l+"长", org.RankDivision, true)
			add(ku, ks, "county.deputysec", l+"委副书记", org.RankViceDivision, true)
			add(ku, ks, "county.exec", "常务副"+l+"长", org.RankViceDivision, true)
			pfs := []string{"组织部部长", "纪委书记、监委主任", "宣传部部长", "政法委书记", "统战部部长"}
			for _, pf := range pfs[:2+r.IntN(2)] {
				add(ku, ks, "county.standing", l+"委常委、"+pf, org.RankViceDivision, true)
			}
			for range 2 + r.IntN(3) {
				add(ku, ks, "county.deputy", "副"+l+"长", org.RankViceDivision, true)
			}
			for _, d := range k.depts {
				add(d.unit, ks, "kdept.head", d.spec.head, org.RankSection, true)
				add(d.unit, ks, "kdept.deputy", d.spec.deputy, org.RankViceSection, true)
			}
			for _, t := range k.towns {
				var sec, head, deputy string
				switch t.kind {
				case street:
					sec, head, deputy = "街道党工委书记", "街道办事处主任", "街道办事处副主任"
				case town:
					sec, head, deputy = "镇党委书记", "镇长", "副镇长"
				default:
					sec, head, deputy = "乡党委书记", "乡长", "副乡长"
				}
				add(t.unit, ks, "town.secretary", sec, org.RankSection, true)
				add(t.unit, ks, "town.head", head, org.RankSection, true)
				for range 1 + r.IntN(2) {
					add(t.unit, ks, "town.deputy", deputy, org.RankViceSection, true)
				}
			}
		}
	}
	return c
}

// newCadres fills every seat with a person, then draws the post history.
func newCadres(r *rand.Rand, j *jurisdiction) *cadres {
	c := seatsOf(r, j)
	for i, s := range c.seats {
		female := r.IntN(100) < 20
		p := &org.Person{
			ID: db.NewID(), Name: personName(r, female), Gender: org.Male,
			Ethnicity: "汉族", Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: s.unit.ID,
		}
		if female {
			p.Gender = org.Female
		}
		age := ages[s.rank]
		born := historyEnd.AddDate(-(age[0] + r.IntN(age[1]-age[0]+1)), 0, -r.IntN(365))
		p.BirthDate = born.Format(org.DateLayout)
		if r.IntN(100) < 8 {
			p.Ethnicity = minorities[r.IntN(len(minorities))]
		}
		switch e := r.IntN(100); {
		case e < 40:
			p.Education = org.EducationPostgraduate
		case e < 95:
			p.Education = org.EducationUniversity
		default:
			p.Education = org.EducationCollege
		}
		// Each government keeps a non-CPC deputy head (党外副职); a few
		// department deputies are from democratic parties too.
		last := i+1 == len(c.seats) || c.seats[i+1].unit != s.unit || c.seats[i+1].role != s.role
		if (s.role == "county.deputy" || s.role == "city.deputy") && last ||
			s.role == "cdept.deputy" && r.IntN(100) < 4 {
			p.Party = []org.Party{org.PartyDemocratic, org.PartyNone}[r.IntN(2)]
		}
		cd := &cadre{person: p, seat: s, start: drawStart(r)}
		s.holder = cd
		c.list = append(c.list, cd)
		if c.login == nil && s.role == "county.head" {
			c.login = cd // 清河区区长, the first county head
		}
	}
	c.drawHistory(r)
	c.posts = c.postsOf()
	return c
}

// drawStart draws the start of a present post: within the three years of
// history for most, earlier for the rest.
func drawStart(r *rand.Rand) time.Time {
	if r.IntN(100) < 60 {
		return historyStart.AddDate(0, 0, r.IntN(days(historyStart, historyEnd)+1))
	}
	return earliest.AddDate(0, 0, r.IntN(days(earliest, historyStart)))
}

func days(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// drawHistory gives some cadres who started within the three years the
// post they held before: a seat of a feeder role whose present holder took
// it over on the day the cadre moved on.
func (c *cadres) drawHistory(r *rand.Rand) {
	order := make([]*cadre, len(c.list))
	copy(order, c.list)
	r.Shuffle(len(order), func(i, k int) { order[i], order[k] = order[k], order[i] })
	for _, cd := range order {
		cd.done = true
		specs := feeders[cd.seat.role]
		if len(specs) == 0 || cd.start.Before(historyStart) || r.IntN(100) >= 55 {
			continue
		}
		for range 6 {
			f := specs[r.IntN(len(specs))]
			pool := c.pools[poolKey{f.role, cd.seat.scope(f.scope)}]
			if len(pool) == 0 {
				continue
			}
			s := pool[r.IntN(len(pool))]
			if s.taken || s == cd.seat || s.holder.done {
				continue
			}
			s.taken = true
			s.holder.start = cd.start
			from := cd.start.AddDate(-1-r.IntN(5), -r.IntN(12), 0)
			cd.prev = &org.Post{
				ID: db.NewID(), PersonID: cd.person.ID, UnitID: s.unit.ID, Title: s.title, Rank: s.rank,
				Team: s.team, Sort: s.sort, Start: from.Format(org.DateLayout), End: cd.start.Format(org.DateLayout),
			}
			break
		}
	}
}

// scope returns the unit a feeder at scope ("province", "city", "county")
// is drawn from for the holder of s.
func (s *seat) scope(level string) int64 {
	switch level {
	case "province":
		return s.scopes[0]
	case "city":
		if len(s.scopes) > 1 {
			return s.scopes[1]
		}
	case "county":
		if len(s.scopes) > 2 {
			return s.scopes[2]
		}
	}
	return 0
}

// postsOf lists every post: past ones, present ones and concurrent heads.
func (c *cadres) postsOf() []*org.Post {
	var out []*org.Post
	for _, cd := range c.list {
		s := cd.seat
		if cd.prev != nil {
			out = append(out, cd.prev)
		}
		start := cd.start.Format(org.DateLayout)
		out = append(out, &org.Post{
			ID: db.NewID(), PersonID: cd.person.ID, UnitID: s.unit.ID, Title: s.title, Rank: s.rank,
			Team: s.team, Sort: s.sort, Start: start,
		})
		for _, h := range s.heads {
			out = append(out, &org.Post{
				ID: db.NewID(), PersonID: cd.person.ID, UnitID: h.unit.ID, Title: h.title, Rank: h.rank,
				Team: h.team, Sort: h.sort, Concurrent: true, Start: start,
			})
		}
	}
	return out
}

// buildPeople writes the cadres and their posts.
func buildPeople(ctx context.Context, b *builder) error {
	c := newCadres(b.rand("people"), b.j)
	b.c = c
	people := make([]*org.Person, len(c.list))
	for i, cd := range c.list {
		people[i] = cd.person
	}
	const chunk = 20000
	err := b.d.InTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < len(people); i += chunk {
			if err := org.InsertPeople(ctx, tx, people[i:min(i+chunk, len(people))]); err != nil {
				return err
			}
			if len(people) > chunk {
				b.logf("people %d/%d", min(i+chunk, len(people)), len(people))
			}
		}
		for i := 0; i < len(c.posts); i += chunk {
			if err := org.InsertPosts(ctx, tx, c.posts[i:min(i+chunk, len(c.posts))]); err != nil {
				return err
			}
			if len(c.posts) > chunk {
				b.logf("posts %d/%d", min(i+chunk, len(c.posts)), len(c.posts))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.sum.People, b.sum.Posts = len(people), len(c.posts)
	b.logf("%d cadres with %d posts", len(people), len(c.posts))
	return nil
}
