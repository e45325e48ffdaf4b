package service

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	// NoRestart (the command line): a bare program is replaced but not
	// started, an installer runs without opening the window afterwards.
	NoRestart bool
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
	s.setUpdate(engine.CheckRelease(ctx, s.Store, c, s.App.Version, s.App.UpdateDir))
}

// CheckUpdate asks HQ for a newer build now, fetches and verifies it (the
// command line's "kaohe update"); the outcome is in AvailableRelease and
// UpdateError. It fails only when HQ cannot be asked.
func (s *Service) CheckUpdate(ctx context.Context) error {
	e, err := s.eng(ctx)
	if err != nil {
		return err
	}
	c, ok := e.Client.(engine.ReleaseClient)
	if !ok {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.not_enrolled")
	}
	if s.App.Version == "" || s.App.UpdateDir == "" {
		return nil
	}
	u, err := engine.CheckRelease(ctx, s.Store, c, s.App.Version, s.App.UpdateDir)
	if update.RefusalReason(err) == "" && err != nil {
		return err // HQ out of reach: not a verdict on any build
	}
	s.setUpdate(u, err)
	return nil
}

// setUpdate keeps what a check found: a verified build, or why the last one
// was refused (shown on the Sync screen).
func (s *Service) setUpdate(u *engine.Update, err error) {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	s.updates.err = err
	if u != nil && (s.updates.pending == nil || !update.Newer(s.updates.pending.Release.Version, u.Release.Version)) {
		s.updates.pending = u
	}
}

// UpdateError is why the last build HQ offered (online or with a bundle)
// was not staged, or nil.
func (s *Service) UpdateError() error {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	return s.updates.err
}

// LoadStagedUpdate finds a build an earlier run fetched and verified (the
// command line's sync, an imported bundle) and checks it again.
func (s *Service) LoadStagedUpdate(ctx context.Context) {
	if s.App.Version == "" || s.App.UpdateDir == "" {
		return
	}
	u, err := engine.StagedUpdate(ctx, s.Store, s.App.Version, s.App.UpdateDir)
	if u != nil || err != nil {
		s.setUpdate(u, err)
	}
}

// ImportBundleFrom applies HQ's bundle read from r. When the bundle names
// a newer build, the file beside it (in dir, the bundle's folder) is
// verified exactly as a download and staged; the data is taken in either
// way, and a refused build is told by UpdateError. A bundle HQ wrote for a
// newer protocol is refused, yet its build is staged all the same: the way
// for an offline showroom to the version that reads it.
func (s *Service) ImportBundleFrom(ctx context.Context, r io.Reader, dir string) (engine.Imported, error) {
	sum, err := engine.ImportBundleReport(ctx, s.Store, r)
	if sum.Release != nil && s.App.Version != "" && s.App.UpdateDir != "" {
		s.setUpdate(engine.StageFile(ctx, s.Store, *sum.Release, filepath.Join(dir, sum.Release.File), s.App.Version, s.App.UpdateDir))
	}
	return sum, err
}

// AvailableRelease is the build fetched from HQ and ready to install.
func (s *Service) AvailableRelease() (protocol.Release, bool) {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	if s.updates.pending == nil {
		return protocol.Release{}, false
	}
	return s.updates.pending.Release, true
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
		s.updates.err = err
		s.updates.mu.Unlock()
		update.Discard(u.Path)
		return err
	}
	start := s.App.Start
	if start == nil {
		start = startDetached
	}
	if u.Release.Kind == protocol.ReleaseInstaller {
		if s.App.NoRestart {
			return start(u.Path, "/S")
		}
		// After "--", the arguments the installer starts the new version
		// with (packaging/windows/installer.nsi): the same data folder,
		// drop folder and language as this window's.
		return start(u.Path, append([]string{"/S", "/UPDATE", "--"}, s.App.Args...)...)
	}
	if err := update.ReplaceExe(u.Path, s.App.Exe); err != nil {
		return err
	}
	update.Discard(u.Path)
	if s.App.NoRestart {
		return nil
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
