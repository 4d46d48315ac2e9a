package web

import "testing"

func TestLogPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/b/ABCD-EFGH", "/b/…"},
		{"/s/tok123", "/s/…"},
		{"/s/tok123/extra", "/s/…"},
		{"//b/ABCD", "/b/…"},
		{"/B/ABCD", "/b/…"},
		{"/./s/../s/tok", "/s/…"},
		{"/b", "/b"},
		{"/b/", "/b/"},
		{"/bx/1", "/bx/1"},
		{"/units/12", "/units/12"},
		{"/evaluations/3/codes.csv", "/evaluations/3/codes.csv"},
	} {
		if got := LogPath(c.in); got != c.want {
			t.Errorf("LogPath(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
