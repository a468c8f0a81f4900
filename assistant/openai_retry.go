package assistant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sashabaranov/go-openai"
)

// maxRetryAfter caps how long a server's Retry-After header can make us wait.
const maxRetryAfter = 2 * time.Minute

// retryNoteKey is the context key under which an attempt carries its *retryNote.
type retryNoteKey struct{}

// retryNote receives the Retry-After header of an attempt's response. go-openai's errors
// carry the status code but not the headers, so the transport hands it over this way.
type retryNote struct{ retryAfter string }

// retryAfterTransport records the Retry-After header into the request context's retryNote.
type retryAfterTransport struct{ base http.RoundTripper }

// RoundTrip sends req with the base transport and notes the response's Retry-After.
func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if note, ok := req.Context().Value(retryNoteKey{}).(*retryNote); ok && resp != nil {
		note.retryAfter = resp.Header.Get("Retry-After")
	}
	return resp, err
}

// attempt is one try of a request: it gets a context bounded by the per-request timeout.
type attempt func(ctx context.Context) error

// withRetry runs try, retrying 429s, 5xx, timeouts and network errors with exponential
// backoff from c.RetryBase (or the server's Retry-After), up to c.MaxRetries times.
// It returns the last error, or ctx's error as soon as ctx ends. what names the request
// in the warnings logged for each retry.
func withRetry(ctx context.Context, c OpenAIConfig, what string, try attempt) error {
	for n := 0; ; n++ {
		note := &retryNote{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, retryNoteKey{}, note), c.Timeout)
		err := try(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		status, retryable := classify(err)
		if !retryable || n >= c.MaxRetries {
			return err
		}
		wait := retryDelay(c.RetryBase, n, note.retryAfter, time.Now())
		c.Logger.LogAttrs(ctx, slog.LevelWarn, "openai request failed, retrying",
			slog.String("request", what), slog.Int("status", status), slog.Int("attempt", n+1),
			slog.Duration("wait", wait), slog.Any("error", err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// classify returns the HTTP status of err (0 when there was no answer) and whether a
// retry may succeed: rate limits, server errors, timeouts and network failures.
func classify(err error) (status int, retryable bool) {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	default:
		return 0, isNetworkError(err)
	}
	return status, status == http.StatusTooManyRequests || status >= 500
}

// isNetworkError reports whether err means the server could not be reached or did not
// answer in time, as opposed to answering with something we could not use.
func isNetworkError(err error) bool {
	var urlErr *url.Error
	var netErr net.Error
	return errors.As(err, &urlErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}

// retryDelay is how long to wait before retry n (0-based): the server's Retry-After
// (seconds or an HTTP date, capped at maxRetryAfter) when it sent one, else base·2ⁿ
// with jitter in its upper half.
func retryDelay(base time.Duration, n int, retryAfter string, now time.Time) time.Duration {
	if retryAfter != "" {
		if secs, err := strconv.Atoi(retryAfter); err == nil && secs >= 0 {
			return min(time.Duration(secs)*time.Second, maxRetryAfter)
		}
		if at, err := http.ParseTime(retryAfter); err == nil {
			return min(max(at.Sub(now), 0), maxRetryAfter)
		}
	}
	d := base << min(n, 20)
	return d/2 + rand.N(d/2+1)
}

// describeFailure turns the final error of a request to what (e.g. "chat endpoint
// http://…/chat/completions") into a message that says what to check: an unreachable
// endpoint, a refused key, or the server's own answer.
func describeFailure(what string, timeout time.Duration, err error) error {
	status, _ := classify(err)
	switch {
	case status == 0 && isNetworkError(err):
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s unreachable: no answer within %s: %w", what, timeout, err)
		}
		return fmt.Errorf("%s unreachable: %w", what, err)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%s refused the API key (check OPENAI_API_KEY): %w", what, err)
	case status != 0:
		return fmt.Errorf("%s answered %d: %w", what, status, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}
