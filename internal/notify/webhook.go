package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Headers of a generic webhook request.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body under the
	// channel's secret.
	SignatureHeader = "X-Portal-Signature"
	// TimestampHeader carries the Unix time of the send, in seconds.
	TimestampHeader = "X-Portal-Timestamp"
	// DeliveryHeader carries the message's Key and channel ("<key>/<channel>"): the same on
	// every retry, so a receiver can drop a repeat.
	DeliveryHeader = "X-Portal-Delivery"
)

// Sign returns the SignatureHeader value for body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (a SignatureHeader value) signs body under secret,
// comparing in constant time.
func Verify(secret, body []byte, signature string) bool {
	hexSum, ok := strings.CutPrefix(signature, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// WebhookBody is the JSON body a generic webhook receives: m.Body when set, else m itself.
func WebhookBody(m Message) ([]byte, error) {
	if len(m.Body) > 0 {
		return m.Body, nil
	}
	m.Channels = nil
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode message %s: %w", m.Key, err)
	}
	return b, nil
}

// sendWebhook POSTs the delivery's body to c, signed; any status but 2xx is a failure.
func (o *Outbox) sendWebhook(ctx context.Context, c Channel, d Delivery) error {
	body, err := WebhookBody(d.Message)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "nextportal-notify")
	req.Header.Set(TimestampHeader, strconv.FormatInt(o.o.Now().Unix(), 10))
	req.Header.Set(DeliveryHeader, d.Key+"/"+d.Channel)
	if c.Secret != "" {
		req.Header.Set(SignatureHeader, Sign([]byte(c.Secret), body))
	}
	resp, err := o.o.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("post webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("post webhook: status %d", resp.StatusCode)
	}
	return nil
}
