package auth

import "testing"

func TestSubtreeBounds(t *testing.T) {
	tests := []struct {
		path   string
		in     []string
		out    []string
		lo, hi string
	}{
		{"/5/", []string{"/5/", "/5/7/", "/5/50/", "/5/7/9/"}, []string{"/50/", "/51/", "/4/", "/6/", "/", "/5"}, "/5/", "/50"},
		{"/12/345/", []string{"/12/345/", "/12/345/6/"}, []string{"/12/3456/", "/12/34/", "/12/", "/123/45/"}, "/12/345/", "/12/3450"},
		{"/", []string{"/", "/1/", "/99/9/"}, nil, "/", "0"},
	}
	for _, tt := range tests {
		lo, hi := SubtreeBounds(tt.path)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("SubtreeBounds(%q): got [%q, %q), want [%q, %q)", tt.path, lo, hi, tt.lo, tt.hi)
		}
		for _, p := range tt.in {
			if !(p >= lo && p < hi) {
				t.Errorf("SubtreeBounds(%q): %q outside, want inside", tt.path, p)
			}
		}
		for _, p := range tt.out {
			if p >= lo && p < hi {
				t.Errorf("SubtreeBounds(%q): %q inside, want outside", tt.path, p)
			}
		}
	}
	if lo, hi := SubtreeBounds("not-a-path"); lo != hi {
		t.Errorf("SubtreeBounds of a non-path: got [%q, %q), want an empty range", lo, hi)
	}
}
