package service

import (
	"context"
	"os"
	"os/exec"
	"sync"

	"kaohe/internal/kaohe"
	"kaohe/internal/update"
	"kaohe/sync/engine"
	"kaohe/sync/protocol"
)

// AppInfo names the running program, for updates from HQ.
type AppInfo struct {
	Version   string   // the running version; empty: no update checks
	Exe       string   // the running program's path
	Args      []string // its arguments, given again to the new version (--data …)
	UpdateDir string   // where fetched builds wait to be installed
	// Start starts a program without waiting for it; default os/exec with
	// KAOHE_UPDATED=1 so the new window waits for this one to close.
	Start func(name string, args ...string) error
}

type updates struct {
	mu      sync.Mutex
	pending *engine.Update
	err     error // the last check's failure (a refused build, say)
}

// checkUpdate runs after every sync, also after a "please upgrade" refusal:
// it asks HQ for a newer build and fetches and verifies it.
func (s *Service) checkUpdate(ctx context.Context, c engine.ReleaseClient) {
	if s.App.Version == "" || s.App.UpdateDir == "" {
		return
	}
	u, err := engine.CheckRelease(ctx, s.Store, c, s.App.Version, s.App.UpdateDir)
	s.updates.mu.Lock()
	s.updates.err = err
	if err == nil {
		s.updates.pending = u
	}
	s.updates.mu.Unlock()
}

// AvailableUpdate is the version fetched from HQ and ready to install, or "".
func (s *Service) AvailableUpdate() string {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	if s.updates.pending == nil {
		return ""
	}
	return s.updates.pending.Release.Version
}

// InstallUpdate checks the fetched build once more and puts it in place: an
// installer is started silently (it waits for this program to close, then
// starts the new version); a bare program replaces the running file and is
// started. The caller then closes the window.
func (s *Service) InstallUpdate(ctx context.Context) error {
	s.updates.mu.Lock()
	u := s.updates.pending
	s.updates.mu.Unlock()
	if u == nil {
		return kaohe.Errorf(kaohe.ENOTFOUND, "err.update_none")
	}
	keys, err := engine.TrustedKeys(ctx, s.Store)
	if err != nil {
		return err
	}
	if err := update.CheckStaged(u.Release, keys, u.Path); err != nil {
		s.updates.mu.Lock()
		s.updates.pending = nil
		s.updates.mu.Unlock()
		os.Remove(u.Path)
		return err
	}
	start := s.App.Start
	if start == nil {
		start = startDetached
	}
	if u.Release.Kind == protocol.ReleaseInstaller {
		return start(u.Path, "/S", "/UPDATE")
	}
	if err := update.ReplaceExe(u.Path, s.App.Exe); err != nil {
		return err
	}
	return start(s.App.Exe, s.App.Args...)
}

func startDetached(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "KAOHE_UPDATED=1")
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
