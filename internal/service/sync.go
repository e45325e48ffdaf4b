package service

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"kaohe/internal/documents"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/client"
	"kaohe/sync/engine"
)

// syncer is the service's sync state: the engine, whether its background
// loop should run (while the window is open), and who hears of its status.
type syncer struct {
	mu       sync.Mutex
	engine   *engine.Engine
	runCtx   context.Context // set while the background sync should run
	listener func(kaohe.SyncStatus)
}

func (s *Service) eng(ctx context.Context) (*engine.Engine, error) {
	s.sync.mu.Lock()
	defer s.sync.mu.Unlock()
	if s.sync.engine != nil && s.sync.engine.Store == s.Store {
		return s.sync.engine, nil
	}
	hqURL, err := s.Store.Meta(ctx, store.MetaHQURL)
	if err != nil {
		return nil, err
	}
	token, err := s.Store.Meta(ctx, store.MetaToken)
	if err != nil {
		return nil, err
	}
	e := &engine.Engine{Store: s.Store, HQ: hqURL}
	e.SetOnStatus(s.withUpdate(s.sync.listener))
	if hqURL != "" && token != "" {
		c := client.New(hqURL, token, client.Options{})
		e.Client = c
		e.AfterSync = func(ctx context.Context, _ error) {
			s.endReplacedSession(ctx)
			s.checkUpdate(ctx, c)
		}
	}
	s.sync.engine = e
	return e, nil
}

// SyncStatus says how the sync with HQ stands.
func (s *Service) SyncStatus(ctx context.Context) kaohe.SyncStatus {
	e, err := s.eng(ctx)
	if err != nil {
		return kaohe.SyncStatus{LastError: err}
	}
	st := e.Status(ctx)
	st.Update, st.UpdateError = s.AvailableUpdate(), s.UpdateError()
	return st
}

// withUpdate adds the update waiting to be installed to the news f hears.
func (s *Service) withUpdate(f func(kaohe.SyncStatus)) func(kaohe.SyncStatus) {
	if f == nil {
		return nil
	}
	return func(st kaohe.SyncStatus) {
		st.Update, st.UpdateError = s.AvailableUpdate(), s.UpdateError()
		f(st)
	}
}

// SyncNow syncs once, now.
func (s *Service) SyncNow(ctx context.Context) error {
	if err := s.viewerMay(kaohe.PermSync); err != nil {
		return err
	}
	e, err := s.eng(ctx)
	if err != nil {
		return err
	}
	return e.Sync(ctx)
}

// OnSyncStatus sets who hears of every change of sync status.
func (s *Service) OnSyncStatus(f func(kaohe.SyncStatus)) {
	s.sync.mu.Lock()
	s.sync.listener = f
	if s.sync.engine != nil {
		s.sync.engine.SetOnStatus(s.withUpdate(f))
	}
	s.sync.mu.Unlock()
}

// StartSync runs the sync in the background while ctx lives or until
// StopSync, if enrolled (and, once enrolled later, from then on).
func (s *Service) StartSync(ctx context.Context) {
	s.sync.mu.Lock()
	s.sync.runCtx = ctx
	s.sync.mu.Unlock()
	e, err := s.eng(ctx)
	if err != nil || e.Client == nil {
		return
	}
	e.Start(ctx)
}

// StopSync ends the background sync and waits until it has stopped.
func (s *Service) StopSync() {
	s.sync.mu.Lock()
	e := s.sync.engine
	s.sync.runCtx = nil
	s.sync.mu.Unlock()
	if e != nil {
		e.Stop()
	}
}

// pauseSync stops the background sync and any sync under way, for work that
// must have the store to itself (a restore, a new enrollment); resume starts
// it again, on a new engine, if it ran before.
func (s *Service) pauseSync() (resume func()) {
	s.sync.mu.Lock()
	e, ctx := s.sync.engine, s.sync.runCtx
	s.sync.engine = nil // rebuilt from what the store now holds
	s.sync.mu.Unlock()
	if e != nil {
		e.Stop()
	}
	return func() {
		if ctx != nil && ctx.Err() == nil {
			s.StartSync(ctx)
		}
	}
}

// KickSync asks the background sync to run soon (after a local write).
func (s *Service) KickSync() {
	s.sync.mu.Lock()
	e := s.sync.engine
	s.sync.mu.Unlock()
	if e != nil && e.Client != nil {
		e.Kick()
	}
}

// Enroll trades HQ's one-time code for this showroom's credential, then
// starts syncing.
func (s *Service) Enroll(ctx context.Context, hqURL, code string) (kaohe.Showroom, error) {
	if err := s.viewerMay(kaohe.PermBackup); err != nil {
		return kaohe.Showroom{}, err
	}
	resume := s.pauseSync()
	defer resume() // on a new engine, with the new credential
	if err := s.BackupBeforeFirstEnrollment(ctx); err != nil {
		return kaohe.Showroom{}, err
	}
	sr, err := engine.Enroll(ctx, s.Store, hqURL, code)
	if err == nil {
		s.refreshSession(ctx)
	}
	return sr, err
}

// BackupBeforeFirstEnrollment makes a backup when the database has never
// been enrolled: the first enrollment drops the demo's stand-ins of HQ's
// acts (store.Enrolled), and what a database held is never beyond reach.
func (s *Service) BackupBeforeFirstEnrollment(ctx context.Context) error {
	if s.BackupDir == "" {
		return nil
	}
	token, err := s.Store.Meta(ctx, store.MetaToken)
	if err != nil || token != "" {
		return err
	}
	_, err = s.Store.Backup(ctx, s.BackupDir, BackupKeep)
	return err
}

// RefusedChanges lists the changes HQ refused, with its reasons.
func (s *Service) RefusedChanges(ctx context.Context) ([]kaohe.RefusedChange, error) {
	rs, err := s.Store.Refused(ctx)
	out := make([]kaohe.RefusedChange, len(rs))
	for i, r := range rs {
		out[i] = kaohe.RefusedChange{Entity: r.Entity, RowID: r.RowID, Reason: r.Refused, At: r.Created}
	}
	return out, err
}

// ExportBundle writes this showroom's unsent changes as a signed bundle file.
func (s *Service) ExportBundle(ctx context.Context, path string) (int, error) {
	if err := s.viewerMay(kaohe.PermSync); err != nil {
		return 0, err
	}
	var n int
	err := documents.WriteFile(path, func(w io.Writer) error {
		var err error
		n, err = engine.ExportBundle(ctx, s.Store, w)
		return err
	})
	return n, err
}

// ImportBundle applies HQ's bundle file.
func (s *Service) ImportBundle(ctx context.Context, path string) (int, error) {
	if err := s.viewerMay(kaohe.PermSync); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sum, err := s.ImportBundleFrom(ctx, f, filepath.Dir(path))
	return sum.Applied, err
}

// VerifyCertificate checks a certificate's serial and code offline, against
// the copy this database holds and HQ's public keys received by sync.
func (s *Service) VerifyCertificate(ctx context.Context, serial, code string) (kaohe.Certificate, kaohe.Verdict, error) {
	c, err := s.Store.CertificateBySerial(ctx, strings.ToUpper(strings.TrimSpace(serial)))
	if kaohe.ErrorCode(err) == kaohe.ENOTFOUND {
		return c, kaohe.Unknown, nil
	}
	if err != nil {
		return c, "", err
	}
	keys, err := s.Store.HQKeys(ctx)
	if err != nil {
		return c, "", err
	}
	return c, c.Verify(code, keys), nil
}
