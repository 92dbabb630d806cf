package pgvalue

import (
	"testing"

	"sqlraft/fsm"
)

func TestNumericColumnsShowTheirScale(t *testing.T) {
	numeric102 := Type{OID: Numeric, Size: -1, Modifier: (10<<16 | 2) + 4}
	numeric0 := Type{OID: Numeric, Size: -1, Modifier: (5 << 16) + 4}
	for _, tc := range []struct {
		typ  Type
		v    fsm.Value
		want string
	}{
		{numeric102, fsm.FloatValue(1234.5), "1234.50"},
		{numeric102, fsm.IntValue(7), "7.00"},
		{numeric102, fsm.FloatValue(-0.005), "-0.01"},
		{numeric102, fsm.FloatValue(0.004), "0.00"},
		{numeric102, fsm.FloatValue(99.995), "100.00"},
		{numeric102, fsm.TextValue("1.234"), "1.23"},
		{numeric0, fsm.FloatValue(2.5), "3"},
		{numeric0, fsm.FloatValue(0.4), "0"},
		{Type{OID: Numeric, Size: -1, Modifier: -1}, fsm.FloatValue(1234.5), "1234.5"},
		{numeric102, fsm.TextValue("NaN"), "NaN"},
	} {
		got, err := EncodeTextType(nil, tc.typ, tc.v)
		if err != nil || string(got) != tc.want {
			t.Errorf("%v as %d: %q, %v; want %q", tc.v, tc.typ.Modifier, got, err, tc.want)
		}
	}
}
