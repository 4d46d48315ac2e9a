package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"kaohe/internal/db"
	"kaohe/internal/org"
)

// The jurisdiction: 江南省 (a fictional province, division code 91) holds
// 青州市 and, at larger scales, more cities; each city has districts (区),
// counties (县) and county-level cities (县级市) with their townships
// (街道/镇/乡), 30 city departments and 3 departments per county.

// categorySpec is a demo category.
type categorySpec struct {
	code, name, description string
	kind                    org.Kind
}

var categorySpecs = []categorySpec{
	{"urban", "城区/经济发达地区", "市辖区和经济发达的县级市：突出创新驱动和产业升级", org.KindRegion},
	{"agri", "农业主产区", "粮食和重要农产品主产县：突出农业现代化和乡村振兴", org.KindRegion},
	{"eco", "生态功能区", "重点生态功能区县：突出森林覆盖率、水质达标等生态指标", org.KindRegion},
	{"econ", "综合经济类", "综合经济部门", org.KindDepartment},
	{"social", "社会管理类", "社会管理和公共服务部门", org.KindDepartment},
	{"party", "党群类", "党委部门和群团机关", org.KindDepartment},
}

// deptSpec is a department: its name after the region's name (委组织部
// makes 青州市委组织部), a code suffix, its category and the titles of its head and deputies. A
// committee member of the city heads the departments marked concurrent.
type deptSpec struct {
	name, abbr, category string
	head, deputy         string
	// concurrent names the city standing-committee portfolio whose holder
	// heads the department (兼任).
	concurrent string
}

var cityDepts = []deptSpec{
	{name: "发展和改革委员会", abbr: "FGW", category: "econ", head: "主任", deputy: "副主任"},
	{name: "统计局", abbr: "TJJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "财政局", abbr: "CZJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "科学技术局", abbr: "KJJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "自然资源和规划局", abbr: "ZRZY", category: "econ", head: "局长", deputy: "副局长"},
	{name: "交通运输局", abbr: "JTYS", category: "econ", head: "局长", deputy: "副局长"},
	{name: "农业农村局", abbr: "NYNC", category: "econ", head: "局长", deputy: "副局长"},
	{name: "商务局", abbr: "SWJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "审计局", abbr: "SJJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "住房和城乡建设局", abbr: "ZJJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "水利局", abbr: "SLJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "市场监督管理局", abbr: "SCJG", category: "econ", head: "局长", deputy: "副局长"},
	{name: "生态环境局", abbr: "STHJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "信访局", abbr: "XFJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "教育局", abbr: "JYJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "卫生健康委员会", abbr: "WJW", category: "social", head: "主任", deputy: "副主任"},
	{name: "应急管理局", abbr: "YJGL", category: "social", head: "局长", deputy: "副局长"},
	{name: "公安局", abbr: "GAJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "民政局", abbr: "MZJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "司法局", abbr: "SFJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "人力资源和社会保障局", abbr: "RSJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "文化广电旅游局", abbr: "WGLJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "医疗保障局", abbr: "YBJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "退役军人事务局", abbr: "TYJR", category: "social", head: "局长", deputy: "副局长"},
	{name: "城市管理局", abbr: "CGJ", category: "social", head: "局长", deputy: "副局长"},
	{name: "纪委监委", abbr: "JWJW", category: "party", head: "纪委书记、监委主任", deputy: "纪委副书记、监委副主任", concurrent: "纪委书记、监委主任"},
	{name: "委组织部", abbr: "ZZB", category: "party", head: "部长", deputy: "副部长", concurrent: "组织部部长"},
	{name: "委宣传部", abbr: "XCB", category: "party", head: "部长", deputy: "副部长", concurrent: "宣传部部长"},
	{name: "委统战部", abbr: "TZB", category: "party", head: "部长", deputy: "副部长"},
	{name: "委政法委员会", abbr: "ZFW", category: "party", head: "书记", deputy: "副书记", concurrent: "政法委书记"},
}

var countyDepts = []deptSpec{
	{name: "发展和改革局", abbr: "FGJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "统计局", abbr: "TJJ", category: "econ", head: "局长", deputy: "副局长"},
	{name: "财政局", abbr: "CZJ", category: "econ", head: "局长", deputy: "副局长"},
}

// countyKind is the kind of a county-level region; its letter ends the
// region's name and starts its titles (区委书记, 县长, 市长).
type countyKind string

const (
	district   countyKind = "区"
	county     countyKind = "县"
	countyCity countyKind = "市"
)

// townKind is the kind of a township.
type townKind int

const (
	street townKind = iota // 街道
	town                   // 镇
	xiang                  // 乡
)

// qingzhou lists 青州市's own counties: name, kind and category.
var qingzhou = []struct {
	name     string
	kind     countyKind
	category string
}{
	{"清河", district, "urban"}, {"望江", district, "urban"}, {"临湖", district, "urban"}, {"东城", district, "urban"},
	{"龙泉", countyCity, "urban"},
	{"安平", county, "agri"}, {"石桥", county, "agri"}, {"丰谷", county, "agri"},
	{"云溪", county, "eco"}, {"梅山", county, "eco"},
}

type jurisdiction struct {
	categories []*org.Category
	cat        map[string]*org.Category
	// units in insertion order: parents before children.
	units    []*org.Unit
	province *org.Unit
	cities   []*cityRec
}

type cityRec struct {
	unit     *org.Unit
	name     string // without 市
	depts    []*deptRec
	counties []*countyRec
}

type countyRec struct {
	unit  *org.Unit
	city  *cityRec
	kind  countyKind
	depts []*deptRec
	towns []*townRec
}

type townRec struct {
	unit *org.Unit
	kind townKind
}

type deptRec struct {
	unit *org.Unit
	spec deptSpec
}

// add creates a unit under parent.
func (j *jurisdiction) add(parent *org.Unit, code, name string, kind org.Kind, level org.Level, category string, sort int) *org.Unit {
	u := &org.Unit{ID: db.NewID(), Code: code, Name: name, Kind: kind, Level: level, Sort: sort}
	u.Path = "/" + fmt.Sprint(u.ID) + "/"
	if parent != nil {
		u.ParentID = parent.ID
		u.Path = parent.Path + fmt.Sprint(u.ID) + "/"
	}
	if category != "" {
		u.CategoryID = j.cat[category].ID
	}
	j.units = append(j.units, u)
	return u
}

// newJurisdiction draws the jurisdiction of a scale: min(scale, 90) cities
// sharing about 10 × scale counties.
func newJurisdiction(r *rand.Rand, scale int) *jurisdiction {
	j := &jurisdiction{cat: map[string]*org.Category{}}
	for i, c := range categorySpecs {
		oc := &org.Category{ID: db.NewID(), Code: c.code, Name: c.name, Description: c.description, AppliesTo: c.kind, Sort: i + 1}
		j.categories = append(j.categories, oc)
		j.cat[c.code] = oc
	}
	j.province = j.add(nil, "910000", "江南省", org.KindRegion, org.LevelProvince, "", 0)
	taken := []string{"江南", "青州"}
	for _, q := range qingzhou {
		taken = append(taken, q.name)
	}
	names := newPlaceNames(r, taken...)
	// Beyond 90 cities (the codes of one province) the cities grow instead:
	// each missing city's cadres go to about 2.5 more counties.
	nCities := min(scale, 90)
	total := 10*scale + 5*(scale-nCities)/2
	for i := range nCities {
		k := total / nCities
		if i < total%nCities {
			k++
		}
		name := "青州"
		if i > 0 {
			name = names.next()
		}
		j.addCity(r, i+1, name, k, names)
	}
	return j
}

// addCity adds city number n with k counties.
func (j *jurisdiction) addCity(r *rand.Rand, n int, name string, k int, names *placeNames) {
	prefix := fmt.Sprintf("91%02d", n)
	c := &cityRec{name: name}
	c.unit = j.add(j.province, prefix+"00", name+"市", org.KindRegion, org.LevelCity, "", n)
	j.cities = append(j.cities, c)

	// County kinds: districts first, then county-level cities, then
	// counties, numbered in the ranges division codes use (01–20, 81–99, 21–80).
	nd, nc := min(19, max(4, k/4)), min(19, max(1, k/8))
	next := map[countyKind]int{district: 2, countyCity: 81, county: 21}
	fixed := 0
	for i := range k {
		kind := county
		switch {
		case i < nd:
			kind = district
		case i < nd+nc:
			kind = countyCity
		}
		var cname, category string
		if n == 1 && fixed < len(qingzhou) && qingzhou[fixed].kind == kind {
			cname, category = qingzhou[fixed].name, qingzhou[fixed].category
			fixed++
		} else {
			cname = names.next()
			switch {
			case kind != county:
				category = "urban"
			case r.IntN(5) < 2:
				category = "eco"
			default:
				category = "agri"
			}
		}
		code := fmt.Sprintf("%s%02d", prefix, next[kind])
		next[kind]++
		j.addCounty(r, c, code, cname, kind, category, i+1)
	}
	for i, d := range cityDepts {
		j.addDept(c.unit, name+"市", prefix+"00", d, 100+i, &c.depts)
	}
}

// addDept adds a department of the region named region with division
// code code.
func (j *jurisdiction) addDept(parent *org.Unit, region, code string, d deptSpec, sort int, to *[]*deptRec) {
	u := j.add(parent, code+"-"+d.abbr, region+d.name, org.KindDepartment, parent.Level, d.category, sort)
	*to = append(*to, &deptRec{unit: u, spec: d})
}

// addCounty adds a county-level region with its townships and departments.
func (j *jurisdiction) addCounty(r *rand.Rand, c *cityRec, code, name string, kind countyKind, category string, sort int) {
	k := &countyRec{city: c, kind: kind}
	k.unit = j.add(c.unit, code, name+string(kind), org.KindRegion, org.LevelCounty, category, sort)
	c.counties = append(c.counties, k)

	n := 4 + r.IntN(6)
	// Districts are mostly 街道, county-level cities have a few 街道 and
	// then 镇, counties a 街道 for the county seat, 镇 and a few 乡.
	kinds := make([]townKind, n)
	switch kind {
	case district:
		towns := r.IntN(3)
		for i := range kinds {
			if i >= n-towns {
				kinds[i] = town
			}
		}
	case countyCity:
		streets := 2 + r.IntN(2)
		for i := range kinds {
			if i >= streets {
				kinds[i] = town
			}
		}
	default:
		nx := 1 + r.IntN(3)
		for i := range kinds {
			switch {
			case i == 0:
				kinds[i] = street
			case i >= n-nx:
				kinds[i] = xiang
			default:
				kinds[i] = town
			}
		}
	}
	names := newPlaceNames(r, name)
	next := map[townKind]int{street: 1, town: 101, xiang: 201}
	suffix := map[townKind]string{street: "街道", town: "镇", xiang: "乡"}
	for i, tk := range kinds {
		u := j.add(k.unit, fmt.Sprintf("%s%03d", code, next[tk]), names.next()+suffix[tk],
			org.KindRegion, org.LevelTownship, "", i+1)
		next[tk]++
		k.towns = append(k.towns, &townRec{unit: u, kind: tk})
	}
	for i, d := range countyDepts {
		j.addDept(k.unit, name+string(kind), code, d, 100+i, &k.depts)
	}
}

// buildUnits writes the categories and the units.
func buildUnits(ctx context.Context, b *builder) error {
	j := newJurisdiction(b.rand("units"), b.opts.Scale)
	b.j = j
	err := b.d.InTx(ctx, func(tx *db.Tx) error {
		if err := org.InsertCategories(ctx, tx, j.categories); err != nil {
			return err
		}
		return org.InsertUnits(ctx, tx, j.units)
	})
	if err != nil {
		return err
	}
	s := b.sum
	s.Categories = len(j.categories)
	s.Units = len(j.units)
	for _, u := range j.units {
		if u.Kind == org.KindDepartment {
			s.Departments++
			continue
		}
		s.Regions++
		switch u.Level {
		case org.LevelCity:
			s.Cities++
		case org.LevelCounty:
			s.Counties++
		case org.LevelTownship:
			s.Townships++
		}
	}
	b.logf("%d units: %d cities, %d counties, %d townships, %d departments",
		s.Units, s.Cities, s.Counties, s.Townships, s.Departments)
	return nil
}
