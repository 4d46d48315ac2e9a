package collect

import "strconv"

// A period is written by its item's frequency: '2025' for a year, '2025Q3'
// for a quarter, '2025-07' for a month. Years run from 1900 to 2999.

// ValidPeriod reports whether p is a period of frequency f.
func ValidPeriod(f Frequency, p string) bool {
	_, _, ok := parsePeriod(f, p)
	return ok
}

// parsePeriod splits p into its year and its quarter or month (0 for a year).
func parsePeriod(f Frequency, p string) (year, sub int, ok bool) {
	if len(p) < 4 || !digits(p[:4]) {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(p[:4])
	if year < 1900 || year > 2999 {
		return 0, 0, false
	}
	switch f {
	case Annual:
		return year, 0, len(p) == 4
	case Quarterly:
		if len(p) == 6 && p[4] == 'Q' && p[5] >= '1' && p[5] <= '4' {
			return year, int(p[5] - '0'), true
		}
	case Monthly:
		if len(p) == 7 && p[4] == '-' && digits(p[5:]) {
			m, _ := strconv.Atoi(p[5:])
			return year, m, m >= 1 && m <= 12
		}
	}
	return 0, 0, false
}

// PrevPeriod returns the period before p ("" when p is not a period of f):
// 2024 for 2025, 2024Q4 for 2025Q1, 2024-12 for 2025-01.
func PrevPeriod(f Frequency, p string) string {
	year, sub, ok := parsePeriod(f, p)
	if !ok {
		return ""
	}
	switch f {
	case Annual:
		return strconv.Itoa(year - 1)
	case Quarterly:
		if sub == 1 {
			return strconv.Itoa(year-1) + "Q4"
		}
		return strconv.Itoa(year) + "Q" + strconv.Itoa(sub-1)
	default:
		if sub == 1 {
			return strconv.Itoa(year-1) + "-12"
		}
		m := strconv.Itoa(sub - 1)
		if sub-1 < 10 {
			m = "0" + m
		}
		return strconv.Itoa(year) + "-" + m
	}
}

// FrequencyOf returns the frequency whose periods look like p, "" for none.
func FrequencyOf(p string) Frequency {
	for _, f := range Frequencies {
		if ValidPeriod(f, p) {
			return f
		}
	}
	return ""
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
