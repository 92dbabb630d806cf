package sqlfunc

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// to_char(value, template) formats a timestamp or a number as PostgreSQL
// 15's to_char does in a session with TimeZone 'UTC' and the C locale:
// English month and day names, '.' and ',' as decimal point and group
// separator, a blank currency symbol. A text value that parseTimestamp
// reads (a timestamp or a date) is formatted as a timestamp; an integer,
// a real, or text holding a number is formatted as a number (see
// formatNumber). A NULL argument, an infinite timestamp or an empty
// template with a timestamp gives NULL; an empty template with a number
// gives an empty string.
func toCharFunc(args []driver.Value) (driver.Value, error) {
	template, err := textArg(args[1])
	if err != nil {
		return nil, err
	}
	var num pgNumeric
	switch v := args[0].(type) {
	case int64:
		num = numericFromInt(v)
	case float64:
		num = numericFromFloat(v)
	case string, []byte:
		s, _ := textArg(v)
		if isInfiniteTimestamp(s) {
			return nil, nil
		}
		ts, tsErr := parseTimestamp(s)
		if tsErr == nil {
			return formatTimestampTemplate(ts, template)
		}
		var numErr error
		if num, numErr = parseNumeric(s); numErr != nil {
			// Report the type the text was most likely meant as.
			if looksLikeDate(s) {
				return nil, tsErr
			}
			return nil, numErr
		}
	default:
		return nil, fmt.Errorf("unsupported argument type %T", args[0])
	}
	s, err := formatNumber(num, template)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// isInfiniteTimestamp recognizes PostgreSQL's infinite timestamps as it
// prints them (and to_timestamp returns them), which to_char formats as
// NULL. Other spellings, such as 'Infinity' or 'inf', are numbers.
func isInfiniteTimestamp(s string) bool {
	return s == "infinity" || s == "-infinity"
}

// looksLikeDate reports whether text starts like a date (four digits and
// a dash), so that a malformed date is reported as one, not as a number.
func looksLikeDate(s string) bool {
	s = strings.TrimLeft(s, pgSpace)
	return len(s) >= 5 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) && s[4] == '-'
}

// Keywords of date/time templates, PostgreSQL's DCH_keywords in its order.
const (
	dchA_D = iota + 1
	dchA_M
	dchAD
	dchAM
	dchB_C
	dchBC
	dchCC
	dchDAY
	dchDDD
	dchDD
	dchDY
	dchDay
	dchDy
	dchD
	dchFF1
	dchFF2
	dchFF3
	dchFF4
	dchFF5
	dchFF6
	dchFX
	dchHH24
	dchHH12
	dchHH
	dchIDDD
	dchID
	dchIW
	dchIYYY
	dchIYY
	dchIY
	dchI
	dchJ
	dchMI
	dchMM
	dchMONTH
	dchMON
	dchMS
	dchMonth
	dchMon
	dchOF
	dchP_M
	dchPM
	dchQ
	dchRM
	dchSSSS
	dchSS
	dchTZH
	dchTZM
	dchTZ
	dchUS
	dchWW
	dchW
	dchY_YYY
	dchYYYY
	dchYYY
	dchYY
	dchY
	dcha_d
	dcha_m
	dchad
	dcham
	dchb_c
	dchbc
	dchday
	dchdy
	dchmonth
	dchmon
	dchp_m
	dchpm
	dchrm
	dchtz
)

var dchKeywords = keywordIndex([]keyword{
	{"A.D.", dchA_D}, {"A.M.", dchA_M}, {"AD", dchAD}, {"AM", dchAM},
	{"B.C.", dchB_C}, {"BC", dchBC},
	{"CC", dchCC},
	{"DAY", dchDAY}, {"DDD", dchDDD}, {"DD", dchDD}, {"DY", dchDY}, {"Day", dchDay}, {"Dy", dchDy}, {"D", dchD},
	{"FF1", dchFF1}, {"FF2", dchFF2}, {"FF3", dchFF3}, {"FF4", dchFF4}, {"FF5", dchFF5}, {"FF6", dchFF6}, {"FX", dchFX},
	{"HH24", dchHH24}, {"HH12", dchHH12}, {"HH", dchHH},
	{"IDDD", dchIDDD}, {"ID", dchID}, {"IW", dchIW}, {"IYYY", dchIYYY}, {"IYY", dchIYY}, {"IY", dchIY}, {"I", dchI},
	{"J", dchJ},
	{"MI", dchMI}, {"MM", dchMM}, {"MONTH", dchMONTH}, {"MON", dchMON}, {"MS", dchMS}, {"Month", dchMonth}, {"Mon", dchMon},
	{"OF", dchOF},
	{"P.M.", dchP_M}, {"PM", dchPM},
	{"Q", dchQ},
	{"RM", dchRM},
	{"SSSSS", dchSSSS}, {"SSSS", dchSSSS}, {"SS", dchSS},
	{"TZH", dchTZH}, {"TZM", dchTZM}, {"TZ", dchTZ},
	{"US", dchUS},
	{"WW", dchWW}, {"W", dchW},
	{"Y,YYY", dchY_YYY}, {"YYYY", dchYYYY}, {"YYY", dchYYY}, {"YY", dchYY}, {"Y", dchY},
	{"a.d.", dcha_d}, {"a.m.", dcha_m}, {"ad", dchad}, {"am", dcham},
	{"b.c.", dchb_c}, {"bc", dchbc},
	{"cc", dchCC},
	{"day", dchday}, {"ddd", dchDDD}, {"dd", dchDD}, {"dy", dchdy}, {"d", dchD},
	{"ff1", dchFF1}, {"ff2", dchFF2}, {"ff3", dchFF3}, {"ff4", dchFF4}, {"ff5", dchFF5}, {"ff6", dchFF6}, {"fx", dchFX},
	{"hh24", dchHH24}, {"hh12", dchHH12}, {"hh", dchHH},
	{"iddd", dchIDDD}, {"id", dchID}, {"iw", dchIW}, {"iyyy", dchIYYY}, {"iyy", dchIYY}, {"iy", dchIY}, {"i", dchI},
	{"j", dchJ},
	{"mi", dchMI}, {"mm", dchMM}, {"month", dchmonth}, {"mon", dchmon}, {"ms", dchMS},
	{"of", dchOF},
	{"p.m.", dchp_m}, {"pm", dchpm},
	{"q", dchQ},
	{"rm", dchrm},
	{"sssss", dchSSSS}, {"ssss", dchSSSS}, {"ss", dchSS},
	{"tzh", dchTZH}, {"tzm", dchTZM}, {"tz", dchtz},
	{"us", dchUS},
	{"ww", dchWW}, {"w", dchW},
	{"y,yyy", dchY_YYY}, {"yyyy", dchYYYY}, {"yyy", dchYYY}, {"yy", dchYY}, {"y", dchY},
})

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonths = [...]string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
	// fractionDigits is how many digits of the microseconds each
	// fraction keyword prints.
	fractionDigits = map[int]int{dchFF1: 1, dchFF2: 2, dchFF3: 3, dchMS: 3, dchFF4: 4, dchFF5: 5, dchFF6: 6, dchUS: 6}
)

// dchMaxItemSize is PostgreSQL's DCH_MAX_ITEM_SIZ: the most output one
// template byte can produce, which bounds the result.
const dchMaxItemSize = 9

// formatTimestampTemplate is PostgreSQL's timestamptz_to_char in UTC.
func formatTimestampTemplate(ts int64, template string) (driver.Value, error) {
	if template == "" {
		return nil, nil
	}
	if int64(len(template)) > (maxAllocSize-1)/dchMaxItemSize {
		return nil, errTooLarge
	}
	f := splitTimestamp(ts)
	days := floorDiv(ts, usecsPerDay)
	wday := dayOfWeek(days)
	yday := days - daysFromCivil(f.year, 1, 1) + 1
	isoYear, isoWeekNo := isoWeek(days)
	year, isoYearAdj := adjustYear(f.year), adjustYear(isoYear)
	pm := f.hour >= 12
	bc := f.year <= 0

	var b strings.Builder
	err := scanTemplate(template, dchKeywords, true, func(n templateNode) (err error) {
		if n.kind != nodeAction {
			b.WriteString(n.text)
			return nil
		}
		fm, tm := n.suffix&dchSuffixFM != 0, n.suffix&dchSuffixTM != 0
		// number prints a numeric field zero-padded to width (unless FM),
		// then its ordinal suffix if TH or th follows the keyword.
		number := func(v int64, width int) error {
			if fm {
				width = 0
			}
			return writeOrdinal(&b, fmt.Sprintf("%0*d", width, v), n.suffix)
		}
		// name prints an English name in the keyword's case, blank-padded
		// to 9 unless FM or TM is given.
		name := func(s string, pad bool) {
			if pad && !fm && !tm {
				s = fmt.Sprintf("%-9s", s)
			}
			b.WriteString(s)
		}
		switch n.key.id {
		case dchA_M, dchP_M:
			b.WriteString(choose(pm, "P.M.", "A.M."))
		case dchAM, dchPM:
			b.WriteString(choose(pm, "PM", "AM"))
		case dcha_m, dchp_m:
			b.WriteString(choose(pm, "p.m.", "a.m."))
		case dcham, dchpm:
			b.WriteString(choose(pm, "pm", "am"))
		case dchHH, dchHH12:
			h := f.hour % 12
			if h == 0 {
				h = 12
			}
			err = number(h, 2)
		case dchHH24:
			err = number(f.hour, 2)
		case dchMI:
			err = number(f.minute, 2)
		case dchSS:
			err = number(f.second, 2)
		case dchFF1, dchFF2, dchFF3, dchFF4, dchFF5, dchFF6, dchMS, dchUS:
			// Fractions keep their width even in fill mode.
			s := fmt.Sprintf("%06d", f.usec)[:fractionDigits[n.key.id]]
			err = writeOrdinal(&b, s, n.suffix)
		case dchSSSS:
			err = writeOrdinal(&b, strconv.FormatInt(f.hour*3600+f.minute*60+f.second, 10), n.suffix)
		case dchtz:
			b.WriteString("utc")
		case dchTZ:
			b.WriteString("UTC")
		case dchTZH:
			b.WriteString("+00")
		case dchTZM:
			b.WriteString("00")
		case dchOF:
			b.WriteString(choose(fm, "+0", "+00"))
		case dchA_D, dchB_C:
			b.WriteString(choose(bc, "B.C.", "A.D."))
		case dchAD, dchBC:
			b.WriteString(choose(bc, "BC", "AD"))
		case dcha_d, dchb_c:
			b.WriteString(choose(bc, "b.c.", "a.d."))
		case dchad, dchbc:
			b.WriteString(choose(bc, "bc", "ad"))
		case dchMONTH:
			name(strings.ToUpper(monthNames[f.month-1]), true)
		case dchMonth:
			name(monthNames[f.month-1], true)
		case dchmonth:
			name(strings.ToLower(monthNames[f.month-1]), true)
		case dchMON:
			name(strings.ToUpper(monthNames[f.month-1][:3]), false)
		case dchMon:
			name(monthNames[f.month-1][:3], false)
		case dchmon:
			name(strings.ToLower(monthNames[f.month-1][:3]), false)
		case dchMM:
			err = number(f.month, 2)
		case dchDAY:
			name(strings.ToUpper(dayNames[wday]), true)
		case dchDay:
			name(dayNames[wday], true)
		case dchday:
			name(strings.ToLower(dayNames[wday]), true)
		case dchDY:
			name(strings.ToUpper(dayNames[wday][:3]), false)
		case dchDy:
			name(dayNames[wday][:3], false)
		case dchdy:
			name(strings.ToLower(dayNames[wday][:3]), false)
		case dchDDD:
			err = number(yday, 3)
		case dchIDDD:
			err = number((isoWeekNo-1)*7+isoDayOfWeek(days), 3)
		case dchDD:
			err = number(f.day, 2)
		case dchD:
			err = number(wday+1, 0)
		case dchID:
			err = number(isoDayOfWeek(days), 0)
		case dchWW:
			err = number((yday-1)/7+1, 2)
		case dchIW:
			err = number(isoWeekNo, 2)
		case dchQ:
			err = number((f.month-1)/3+1, 0)
		case dchCC:
			var c int64
			if f.year > 0 {
				c = (f.year-1)/100 + 1 // century 20 is 1901-2000
			} else {
				c = f.year/100 - 1 // century 6 BC is 600-501 BC
			}
			width := 0
			if c >= -99 && c <= 99 {
				width = choose(c >= 0, 2, 3)
			}
			err = number(c, width)
		case dchY_YYY:
			err = writeOrdinal(&b, fmt.Sprintf("%d,%03d", year/1000, year%1000), n.suffix)
		case dchYYYY:
			err = number(year, 4)
		case dchIYYY:
			err = number(isoYearAdj, 4)
		case dchYYY:
			err = number(year%1000, 3)
		case dchIYY:
			err = number(isoYearAdj%1000, 3)
		case dchYY:
			err = number(year%100, 2)
		case dchIY:
			err = number(isoYearAdj%100, 2)
		case dchY:
			err = number(year%10, 1)
		case dchI:
			err = number(isoYearAdj%10, 1)
		case dchRM, dchrm:
			s := romanMonths[f.month-1]
			if n.key.id == dchrm {
				s = strings.ToLower(s)
			}
			if !fm {
				s = fmt.Sprintf("%-4s", s)
			}
			b.WriteString(s)
		case dchW:
			err = number((f.day-1)/7+1, 0)
		case dchJ:
			err = number(days+unixEpochJulianDay, 0)
		case dchFX:
			// Fixed format matters to to_timestamp only.
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return b.String(), nil
}

// adjustYear turns an astronomical year into the number printed before BC.
func adjustYear(y int64) int64 {
	if y <= 0 {
		return 1 - y
	}
	return y
}

func choose[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// writeOrdinal writes a number, then its English ordinal suffix (ST, ND,
// RD, TH or lower case) when the keyword has a TH or th suffix.
func writeOrdinal(b *strings.Builder, num string, suffix int) error {
	b.WriteString(num)
	if suffix&(dchSuffixTH|dchSuffixth) == 0 {
		return nil
	}
	th, err := ordinalSuffix(num, suffix&dchSuffixTH != 0)
	b.WriteString(th)
	return err
}

// ordinalSuffix is PostgreSQL's get_th: 1st, 2nd, 3rd, 4th, 11th, 12th,
// 13th, 21st...
func ordinalSuffix(num string, upper bool) (string, error) {
	if num == "" || !isDigit(num[len(num)-1]) {
		return "", fmt.Errorf("%s is not a number", quoted(num))
	}
	last := num[len(num)-1]
	if len(num) > 1 && num[len(num)-2] == '1' {
		last = 0 // the teens
	}
	th := "th"
	switch last {
	case '1':
		th = "st"
	case '2':
		th = "nd"
	case '3':
		th = "rd"
	}
	if upper {
		th = strings.ToUpper(th)
	}
	return th, nil
}
