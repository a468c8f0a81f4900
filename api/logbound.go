package api

import (
	"context"
	"log/slog"
	"strconv"
)

// maxLogValue is the most bytes of one string or error a log attribute keeps: paths,
// queries and error messages can carry whatever a client sent, and no client may fill the
// log with it.
const maxLogValue = 512

// boundedHandler is a slog.Handler that cuts every string and error attribute to
// maxLogValue bytes before passing the record on.
type boundedHandler struct{ next slog.Handler }

// boundLogger returns l writing through a boundedHandler.
func boundLogger(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(boundedHandler); ok {
		return l
	}
	return slog.New(boundedHandler{next: l.Handler()})
}

func (h boundedHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h boundedHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, boundString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(boundAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h boundedHandler) WithAttrs(as []slog.Attr) slog.Handler {
	bounded := make([]slog.Attr, len(as))
	for i, a := range as {
		bounded[i] = boundAttr(a)
	}
	return boundedHandler{next: h.next.WithAttrs(bounded)}
}

func (h boundedHandler) WithGroup(name string) slog.Handler {
	return boundedHandler{next: h.next.WithGroup(name)}
}

// boundAttr returns a with its string or error value cut to maxLogValue bytes. A panic's
// stack is the server's own text and is kept whole.
func boundAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if a.Key == "stack" {
		return slog.Attr{Key: a.Key, Value: v}
	}
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); len(s) > maxLogValue {
			return slog.String(a.Key, boundString(s))
		}
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, ga := range g {
			out[i] = boundAttr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			if s := err.Error(); len(s) > maxLogValue {
				return slog.String(a.Key, boundString(s))
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// boundString cuts s to maxLogValue bytes (on a rune boundary) and says how much it left out.
func boundString(s string) string {
	if len(s) <= maxLogValue {
		return s
	}
	cut := maxLogValue
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)-cut) + " more bytes)"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
