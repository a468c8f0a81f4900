package api

import (
	"bufio"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// sseServer serves h on a real HTTP server whose write deadline is writeTimeout.
func sseServer(t *testing.T, writeTimeout time.Duration, h gin.HandlerFunc) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/stream", h)
	srv := httptest.NewUnstartedServer(r)
	srv.Config.WriteTimeout = writeTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestSSEOutlivesWriteTimeout streams for longer than the server's write timeout, with
// keep-alives in between, and checks the client gets every event and comment.
func TestSSEOutlivesWriteTimeout(t *testing.T) {
	srv := sseServer(t, 150*time.Millisecond, func(c *gin.Context) {
		s := startSSE(c, 40*time.Millisecond)
		defer s.Close()
		for i := range 3 {
			time.Sleep(150 * time.Millisecond)
			if err := s.Send("token", map[string]int{"i": i}); err != nil {
				t.Errorf("Send %d: %v", i, err)
				return
			}
		}
		_ = s.Send("done", map[string]string{"line": "a\nb"})
	})
	resp, err := http.Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type = %q", ct)
	}
	var events, keepAlives int
	var last string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		switch line := sc.Text(); {
		case line == ": keep-alive":
			keepAlives++
		case strings.HasPrefix(line, "event: "):
			events++
		case strings.HasPrefix(line, "data: "):
			last = line
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read stream: %v (the write deadline was not lifted?)", err)
	}
	if events != 4 || keepAlives == 0 || last != `data: {"line":"a\nb"}` {
		t.Errorf("got %d events, %d keep-alives, last data %q; want 4 events, keep-alives, the done event on one line", events, keepAlives, last)
	}
}

// TestSSEStopsWhenClientGoes checks that Send fails soon after the client hangs up.
func TestSSEStopsWhenClientGoes(t *testing.T) {
	stopped := make(chan error, 1)
	srv := sseServer(t, 0, func(c *gin.Context) {
		s := startSSE(c, time.Hour)
		defer s.Close()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if err := s.Send("token", "x"); err != nil {
				stopped <- err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		stopped <- nil
	})
	resp, err := http.Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	select {
	case err := <-stopped:
		if !errors.Is(err, errStreamClosed) {
			t.Errorf("Send after the client left = %v, want errStreamClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream kept going after the client left")
	}
}

func TestWantsEventStream(t *testing.T) {
	for accept, want := range map[string]bool{
		"text/event-stream":                       true,
		"application/json, Text/Event-Stream;q=1": true,
		"application/json":                        false,
		"":                                        false,
		"text/event-streams":                      false,
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Accept", accept)
		if got := wantsEventStream(r); got != want {
			t.Errorf("wantsEventStream(Accept %q) = %v, want %v", accept, got, want)
		}
	}
}
