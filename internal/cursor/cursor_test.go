package cursor_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/nextportal/portal/internal/cursor"
)

type page struct {
	Offset int    `json:"o"`
	Key    string `json:"k"`
}

func TestRoundTrip(t *testing.T) {
	for _, c := range []cursor.Codec{cursor.URL, cursor.Std} {
		in := page{Offset: 40, Key: "q?x=1&y=ü>>>"}
		s := c.Encode(in)
		var out page
		if err := c.Decode(s, &out); err != nil || out != in {
			t.Errorf("Decode(Encode(%+v)) = %+v, %v", in, out, err)
		}
		// A cursor of the other alphabet, and a standard one whose '+' became a space.
		for _, other := range []string{base64.RawURLEncoding.EncodeToString([]byte(`{"o":1,"k":">?"}`)),
			strings.ReplaceAll(base64.StdEncoding.EncodeToString([]byte(`{"o":1,"k":">?>"}`)), "+", " ")} {
			if err := c.Decode(other, &out); err != nil || out.Offset != 1 {
				t.Errorf("Decode(%q) = %+v, %v", other, out, err)
			}
		}
	}
	if s := cursor.URL.Encode(page{Key: ">>>???"}); strings.ContainsAny(s, "+/=") {
		t.Errorf("URL cursor %q is not base64url without padding", s)
	}
}

func TestDecodeMalformed(t *testing.T) {
	for _, s := range []string{
		"", "   ", "!!!",
		base64.RawURLEncoding.EncodeToString([]byte("offset=10")),
		base64.RawURLEncoding.EncodeToString([]byte(`{"o":"10"}`)),
		base64.RawURLEncoding.EncodeToString([]byte(`{"o":1,"extra":true}`)),
		base64.RawURLEncoding.EncodeToString([]byte(`{"o":1}{"o":2}`)),
		cursor.URL.Encode(page{Offset: 10, Key: "abc"})[:10],
	} {
		var p page
		if err := cursor.URL.Decode(s, &p); !errors.Is(err, cursor.ErrMalformed) {
			t.Errorf("Decode(%q) = %v, want ErrMalformed", s, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(cursor.URL.Encode(page{Offset: 3, Key: "k"}))
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		var p page
		if err := cursor.Std.Decode(s, &p); err != nil && !errors.Is(err, cursor.ErrMalformed) {
			t.Errorf("Decode(%q) = %v, want nil or ErrMalformed", s, err)
		}
	})
}
