package assistant

import (
	"context"
	"fmt"
	"github.com/nextportal/portal/internal/errkind"
	"log/slog"
	"sync/atomic"
	"time"
)

// FallbackNotice is the Notice of an answer the local composer gave because the configured
// model failed.
const FallbackNotice = "The configured model was unreachable; answered by the local composer."

// fallbackCooldown is how long a Fallback sends questions straight to the local composer
// after the configured one failed, so that each does not wait for the same failure.
const fallbackCooldown = 30 * time.Second

// Fallback is a Composer that asks a configured composer (the OpenAI-compatible one) first
// and the local composer when that fails. The rules the pipeline relies on:
//
//   - The primary fails before it emitted any text: the local composer answers the same
//     input, and the Composition has Composer = local.Name() and Notice = FallbackNotice.
//     When the model was unreachable, timed out or overloaded (a 429 or 5xx), the local
//     composer answers at once, with the notice, for the next fallbackCooldown.
//   - The primary fails after it emitted text: Compose returns an error wrapping
//     ErrUnavailable and the primary's error. The pipeline sends an EventError; the text
//     already shown is not taken back.
//   - emit fails (the client went away) or ctx ends: that error is returned, and nothing
//     falls back.
//   - The local composer fails too: an error wrapping ErrUnavailable and both errors.
type Fallback struct {
	primary, local Composer
	logger         *slog.Logger
	downUntil      atomic.Int64 // unix nanoseconds until which the primary is skipped
	now            func() time.Time
}

var _ Composer = (*Fallback)(nil)

// NewFallback returns a composer that tries primary, then local. logger receives a warning
// each time the primary fails; nil means slog.Default().
func NewFallback(primary, local Composer, logger *slog.Logger) *Fallback {
	if logger == nil {
		logger = slog.Default()
	}
	return &Fallback{primary: primary, local: local, logger: logger, now: time.Now}
}

// Name is the primary's name: the composer that is configured.
func (f *Fallback) Name() string { return f.primary.Name() }

// Compose answers with the primary, or with the local composer as the type's comment says.
func (f *Fallback) Compose(ctx context.Context, in ComposeInput, emit func(string) error) (Composition, error) {
	if f.now().UnixNano() < f.downUntil.Load() {
		return f.fallback(ctx, in, emit, nil)
	}
	var emitted bool
	var emitErr error
	c, err := f.primary.Compose(ctx, in, func(tok string) error {
		emitted = true
		if err := emit(tok); err != nil {
			emitErr = err
			return err
		}
		return nil
	})
	switch {
	case err == nil:
		return c, nil
	case emitErr != nil || ctx.Err() != nil:
		return Composition{}, err
	case emitted:
		f.logger.LogAttrs(ctx, slog.LevelWarn, "configured composer failed mid-answer",
			slog.String("composer", f.primary.Name()), slog.Any("error", err))
		return Composition{}, fmt.Errorf("%w: %w", errkind.Errorf(ErrUnavailable, "%s stopped after it began answering", f.primary.Name()), err)
	}
	attrs := []slog.Attr{slog.String("composer", f.primary.Name()), slog.Any("error", err)}
	if _, down := classify(err); down { // unreachable, timed out, overloaded: not this question's fault
		f.downUntil.Store(f.now().Add(fallbackCooldown).UnixNano())
		attrs = append(attrs, slog.Duration("skipped_for", fallbackCooldown))
	}
	f.logger.LogAttrs(ctx, slog.LevelWarn, "configured composer failed; the local composer answers", attrs...)
	return f.fallback(ctx, in, emit, err)
}

// fallback answers with the local composer, with the notice; primaryErr is why (nil while
// the primary is skipped).
func (f *Fallback) fallback(ctx context.Context, in ComposeInput, emit func(string) error, primaryErr error) (Composition, error) {
	c, err := f.local.Compose(ctx, in, emit)
	if err != nil {
		if ctx.Err() != nil {
			return Composition{}, err
		}
		return Composition{}, fmt.Errorf("%w: %s: %v; %s: %w",
			errkind.Errorf(ErrUnavailable, "neither %s nor %s could answer", f.primary.Name(), f.local.Name()),
			f.primary.Name(), primaryErr, f.local.Name(), err)
	}
	if c.Composer == "" {
		c.Composer = f.local.Name()
	}
	c.Notice = FallbackNotice
	return c, nil
}
