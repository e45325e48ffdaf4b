package ui

import (
	"context"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
)

// signInAs signs an account in to the service without waiting out delays.
func signInAs(t testing.TB, svc *service.Service, no, pw string) kaohe.Actor {
	t.Helper()
	svc.Sleep = func(time.Duration) {}
	a, err := svc.Login(context.Background(), no, pw)
	if err != nil {
		t.Fatalf("Login(%s): %v", no, err)
	}
	return a
}
