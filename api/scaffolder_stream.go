package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/scaffolder"
)

// taskPollEvery is how often an event stream rereads the store when it was not woken (the
// task may run on another replica).
const taskPollEvery = time.Second

// getTaskEventStream serves GET /v2/tasks/:id/eventstream: the task's events as
// Server-Sent Events named by their type (log, completion, cancelled, recovered), with
// Backstage's event bodies, from ?after= on. The stream ends after the task's last event.
func (s *Server) getTaskEventStream(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	svc := s.deps.Scaffolder
	id := c.Param("id")
	after, err := afterParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	// Read once before streaming, so a missing task is an ordinary 404.
	if _, err := svc.Task(ctx, id); err != nil {
		return err
	}
	wake, stop := svc.Subscribe(id)
	defer stop()
	stream := startSSE(c, sseKeepAlive)
	defer stream.Close()
	tick := time.NewTicker(taskPollEvery)
	defer tick.Stop()
	for {
		events, err := svc.Events(ctx, id, after)
		if err != nil {
			return nil // the stream is open: the client sees it end
		}
		for _, e := range events {
			if err := stream.Send(string(e.Type), e); err != nil {
				return nil
			}
			after = e.ID
			if e.Type == scaffolder.EventCompletion || e.Type == scaffolder.EventCancelled {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}
