package notify

import (
	"context"
	"fmt"
	"net/url"
)

// send delivers d on its channel.
func (o *Outbox) send(ctx context.Context, d Delivery) error {
	c, ok := o.channels[d.Channel]
	if !ok {
		return fmt.Errorf("channel %q is not configured", d.Channel)
	}
	ctx, cancel := context.WithTimeout(ctx, o.o.Timeout)
	defer cancel()
	switch c.Kind {
	case KindSlack:
		return o.sendSlack(ctx, c, d)
	default:
		return o.sendWebhook(ctx, c, d)
	}
}

// validURL reports whether s is an absolute http or https URL.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
