package auth_test

import (
	"context"
	"testing"

	"github.com/nextportal/portal/auth"
)

func TestFromContext(t *testing.T) {
	jane := auth.Principal{Kind: auth.KindUser, Subject: "u1", Name: "jane", Role: auth.RoleDeveloper}
	ci := auth.Principal{Kind: auth.KindService, Subject: "ci", Name: "ci", Role: auth.RoleViewer}
	tests := []struct {
		name string
		ctx  func() context.Context
		want auth.Principal
	}{
		{"nothing", context.Background, auth.Anonymous()},
		{"principal", func() context.Context { return auth.NewContext(context.Background(), jane) }, jane},
		{"empty slot", func() context.Context { return auth.WithSlot(context.Background(), &auth.Slot{}) }, auth.Anonymous()},
		{"filled slot", func() context.Context {
			var s auth.Slot
			ctx := auth.WithSlot(context.Background(), &s)
			s.Set(jane) // after the context was made: what an HTTP server does
			return ctx
		}, jane},
		{"principal over a slot", func() context.Context {
			s := &auth.Slot{}
			s.Set(jane)
			return auth.NewContext(auth.WithSlot(context.Background(), s), ci)
		}, ci},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auth.FromContext(tt.ctx())
			if got.Kind != tt.want.Kind || got.Subject != tt.want.Subject || got.Role != tt.want.Role {
				t.Errorf("FromContext = %+v, want %+v", got, tt.want)
			}
		})
	}
}
