package api

import "testing"

func TestStatusLabel(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{
		{200, "200"}, {304, "304"}, {404, "404"}, {599, "599"}, {0, "0"},
		{600, "600"}, {-1, "-1"}, // outside the table: formatted
	} {
		if got := statusLabel(tc.code); got != tc.want {
			t.Errorf("statusLabel(%d) = %q, want %q", tc.code, got, tc.want)
		}
	}
}
