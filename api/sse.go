package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// sseKeepAlive is how often an idle event stream sends a comment line, so that proxies and
// browsers keep the connection open while the server works.
const sseKeepAlive = 15 * time.Second

// errStreamClosed is returned by sseStream.Send after the client went away or the stream
// was closed.
var errStreamClosed = errors.New("event stream closed")

// sseStream writes Server-Sent Events to one response. Send and the keep-alive ticker may
// run at once; a mutex keeps their writes whole.
type sseStream struct {
	w    gin.ResponseWriter
	rc   *http.ResponseController
	ctx  context.Context
	mu   sync.Mutex
	err  error // the first write error, or errStreamClosed after Close
	stop chan struct{}
	done chan struct{}
}

// wantsEventStream reports whether the client asked for text/event-stream in Accept.
func wantsEventStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/event-stream") {
			return true
		}
	}
	return false
}

// startSSE answers 200 with an event stream. It lifts the server's write deadline for this
// response (a streamed answer may outlast http.Server.WriteTimeout) and sends a comment
// every keepAlive until Close. The stream stops when the request's context ends, which is
// when the client goes away.
func startSSE(c *gin.Context, keepAlive time.Duration) *sseStream {
	s := &sseStream{w: c.Writer, rc: http.NewResponseController(c.Writer), ctx: c.Request.Context(),
		stop: make(chan struct{}), done: make(chan struct{})}
	// No deadline: servers without one (httptest) answer ErrNotSupported, which is fine.
	_ = s.rc.SetWriteDeadline(time.Time{})
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events through unbuffered
	c.Status(http.StatusOK)
	s.mu.Lock()
	s.write([]byte(": stream open\n\n"))
	s.mu.Unlock()
	go s.keepAlive(keepAlive)
	return s
}

// keepAlive writes a comment every interval until Close or the client goes.
func (s *sseStream) keepAlive(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			s.write([]byte(": keep-alive\n\n"))
			s.mu.Unlock()
		}
	}
}

// Send writes one event whose data is v as JSON. It fails once the client has gone away
// (the request's context ended or a write failed) or the stream is closed.
func (s *sseStream) Send(event string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", event, err)
	}
	var b bytes.Buffer
	b.WriteString("event: " + event + "\n")
	// JSON has no raw newlines, so the data is one line.
	b.WriteString("data: ")
	b.Write(data)
	b.WriteString("\n\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ctx.Err(); err != nil && s.err == nil {
		s.err = fmt.Errorf("%w: %w", errStreamClosed, err)
	}
	if s.err != nil {
		return s.err
	}
	s.write(b.Bytes())
	return s.err
}

// write writes and flushes p, remembering the first error; the caller holds mu.
func (s *sseStream) write(p []byte) {
	if s.err != nil {
		return
	}
	if _, err := s.w.Write(p); err != nil {
		s.err = fmt.Errorf("%w: %w", errStreamClosed, err)
		return
	}
	if err := s.rc.Flush(); err != nil {
		s.err = fmt.Errorf("%w: flush: %w", errStreamClosed, err)
	}
}

// Close stops the keep-alives and waits for the ticker to end; later Sends fail.
func (s *sseStream) Close() {
	select {
	case <-s.stop:
		return
	default:
	}
	close(s.stop)
	<-s.done
	s.mu.Lock()
	if s.err == nil {
		s.err = errStreamClosed
	}
	s.mu.Unlock()
}
