package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/internal/notify"
)

// deliveryJSON is a notification delivery on the wire.
type deliveryJSON struct {
	ID        int64          `json:"id"`
	Key       string         `json:"key"`
	Channel   string         `json:"channel"`
	State     notify.State   `json:"state"`
	Attempts  int            `json:"attempts"`
	NextAt    time.Time      `json:"nextAt"`
	LastError string         `json:"lastError,omitempty"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	SentAt    time.Time      `json:"sentAt,omitzero"`
	Message   notify.Message `json:"message"`
}

func deliveryToJSON(d notify.Delivery) deliveryJSON {
	m := d.Message
	m.Body = nil // the webhook body repeats the message; GET /api/v1/alerts has the alert
	return deliveryJSON{ID: d.ID, Key: d.Key, Channel: d.Channel, State: d.State, Attempts: d.Attempts, NextAt: d.NextAt,
		LastError: d.LastError, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, SentAt: d.SentAt, Message: m}
}

// deliveriesResponse is GET /api/v1/deliveries's answer.
type deliveriesResponse struct {
	Deliveries []deliveryJSON `json:"deliveries"`
	// NextCursor is the ID to pass as before= for the next page.
	NextCursor string `json:"nextCursor,omitempty"`
}

// deliveriesOff answers the delivery routes on a server without an outbox.
func deliveriesOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "notification delivery is not available on this server"}
}

// getDeliveries serves GET /api/v1/deliveries?state=&key=&channel=&limit=&before=:
// deliveries, newest first.
func (s *Server) getDeliveries(c *gin.Context) error {
	if s.deps.Outbox == nil {
		return deliveriesOff()
	}
	q := notify.DeliveryQuery{State: notify.State(c.Query("state")), Key: c.Query("key"), Channel: c.Query("channel"), Limit: 50}
	if len(q.State) > 20 || len(q.Key) > notify.MaxKeyLen || len(q.Channel) > 100 {
		return inputErrorf("state, key or channel: too long")
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return inputErrorf("limit %.20q: want a number from 1 to 200", v)
		}
		q.Limit = n
	}
	for _, p := range []string{"before", "cursor"} {
		if v := c.Query(p); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return inputErrorf("%s %.20q: want a delivery id", p, v)
			}
			q.Before = n
		}
	}
	ds, err := s.deps.Outbox.Deliveries(c.Request.Context(), q)
	if err != nil {
		return err
	}
	out := deliveriesResponse{Deliveries: make([]deliveryJSON, 0, len(ds))}
	for _, d := range ds {
		out.Deliveries = append(out.Deliveries, deliveryToJSON(d))
	}
	if len(ds) == q.Limit {
		out.NextCursor = strconv.FormatInt(ds[len(ds)-1].ID, 10)
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

// deliveryID reads the path's delivery id.
func deliveryID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, notFoundf("no delivery %.40q", c.Param("id"))
	}
	return id, nil
}

// getDelivery serves GET /api/v1/deliveries/{id}.
func (s *Server) getDelivery(c *gin.Context) error {
	if s.deps.Outbox == nil {
		return deliveriesOff()
	}
	id, err := deliveryID(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Outbox.Delivery(c.Request.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, deliveryToJSON(d))
	return nil
}

// postDeliveryResend serves POST /api/v1/deliveries/{id}/resend: a dead (or sent) delivery
// goes back in the queue with a fresh set of tries; 409 for one still pending.
func (s *Server) postDeliveryResend(c *gin.Context) error {
	if s.deps.Outbox == nil {
		return deliveriesOff()
	}
	id, err := deliveryID(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Outbox.Resend(context.WithoutCancel(c.Request.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, deliveryToJSON(d))
	return nil
}
