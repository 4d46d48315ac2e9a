package demo

import (
	"math/rand/v2"
	"sort"
)

// surnames are the common Chinese surnames with their approximate share
// (per 10,000 people) in the 2020 census, so that names come out in
// realistic proportions: 王, 李 and 张 are each about one in fifteen.
var surnames = []struct {
	name   string
	weight int
}{
	{"王", 712}, {"李", 700}, {"张", 674}, {"刘", 538}, {"陈", 453}, {"杨", 308}, {"黄", 223}, {"赵", 200},
	{"吴", 198}, {"周", 188}, {"徐", 166}, {"孙", 154}, {"马", 144}, {"朱", 138}, {"胡", 131}, {"郭", 118},
	{"何", 117}, {"林", 113}, {"高", 111}, {"罗", 107}, {"郑", 106}, {"梁", 95}, {"谢", 82}, {"宋", 80},
	{"唐", 79}, {"许", 74}, {"韩", 73}, {"冯", 70}, {"邓", 69}, {"曹", 67}, {"彭", 66}, {"曾", 65},
	{"肖", 63}, {"田", 62}, {"董", 60}, {"袁", 59}, {"潘", 59}, {"于", 58}, {"蒋", 57}, {"蔡", 56},
	{"余", 55}, {"杜", 53}, {"叶", 52}, {"程", 51}, {"苏", 50}, {"魏", 49}, {"吕", 48}, {"丁", 47},
	{"任", 46}, {"沈", 45}, {"姚", 44}, {"卢", 43}, {"姜", 42}, {"崔", 41}, {"钟", 40}, {"谭", 39},
	{"陆", 38}, {"汪", 37}, {"范", 36}, {"金", 35}, {"石", 34}, {"廖", 33}, {"贾", 32}, {"夏", 31},
	{"韦", 30}, {"付", 29}, {"方", 28}, {"白", 27}, {"邹", 26}, {"孟", 25}, {"熊", 24}, {"秦", 23},
	{"邱", 22}, {"江", 21}, {"尹", 20}, {"薛", 19}, {"闫", 18}, {"段", 17}, {"雷", 16}, {"侯", 15},
	{"龙", 14}, {"史", 13}, {"陶", 12}, {"黎", 11}, {"贺", 10}, {"顾", 10}, {"毛", 10}, {"郝", 9},
	{"龚", 9}, {"邵", 9}, {"万", 8}, {"钱", 8}, {"严", 8}, {"覃", 7}, {"武", 7}, {"戴", 7},
	{"莫", 6}, {"孔", 6}, {"向", 6}, {"汤", 6}, {"欧阳", 3}, {"司马", 1},
}

// surnameCum holds the cumulative weights of surnames.
var surnameCum, surnameTotal = func() ([]int, int) {
	cum := make([]int, len(surnames))
	t := 0
	for i, s := range surnames {
		t += s.weight
		cum[i] = t
	}
	return cum, t
}()

// Characters of given names; the two lists overlap as real names do.
var (
	maleChars   = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林亮建国志文海峰东晓春永德成立新庆生荣学兵金忠洪宏振卫江山光锋松彬坤晨阳博毅嘉昊睿胜利民安祥瑞哲恒")
	femaleChars = []rune("芳娜敏静丽艳娟霞秀燕玲桂丹萍红梅琳雪慧莉婷倩颖洁璐琴蓉英华兰凤云晶佳欣悦文月青玉晓春红霞岚薇")
)

// personName draws a name: a weighted surname and a one- or two-character
// given name.
func personName(r *rand.Rand, female bool) string {
	i := sort.SearchInts(surnameCum, r.IntN(surnameTotal)+1)
	chars := maleChars
	if female {
		chars = femaleChars
	}
	name := surnames[i].name + string(chars[r.IntN(len(chars))])
	if r.IntN(10) < 7 {
		name += string(chars[r.IntN(len(chars))])
	}
	return name
}

// Syllables of fictional place names: a first and a second character.
var (
	placeFirst  = []rune("清望临东西南北安平石云梅龙丰永长新宁兴福华金银青白凤桃柳松泉溪源林川阳河湖江高双古太和顺庆昌盛茂乐康泰宝玉仙灵碧翠黄红绿紫峡沙花竹兰桂榆槐")
	placeSecond = []rune("河江湖山川溪泉桥源林阳平安宁兴城州口坝坪岭塘港湾田庄集店屯关门谷峰岩水丰昌乐和洲沟滩堡营铺坊")
)

// placeNames draws fictional two-character place names, never one twice.
type placeNames struct {
	r    *rand.Rand
	used map[string]bool
}

func newPlaceNames(r *rand.Rand, taken ...string) *placeNames {
	p := &placeNames{r: r, used: map[string]bool{}}
	for _, t := range taken {
		p.used[t] = true
	}
	return p
}

// next returns a fresh name; after many draws it adds a third character.
func (p *placeNames) next() string {
	for try := 0; ; try++ {
		n := string(placeFirst[p.r.IntN(len(placeFirst))]) + string(placeSecond[p.r.IntN(len(placeSecond))])
		if try > 50 {
			n += string(placeSecond[p.r.IntN(len(placeSecond))])
		}
		if n[:3] != n[3:6] && !p.used[n] {
			p.used[n] = true
			return n
		}
	}
}
