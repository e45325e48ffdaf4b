package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"kaohe/internal/cli"
	"kaohe/internal/documents"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/sync/engine"
	"kaohe/sync/protocol"
	"kaohe/ui"
)

// cmdEnroll trades HQ's one-time code for this showroom's credential.
func (e *env) cmdEnroll(fs *flag.FlagSet) cli.Run {
	p := personFlags(fs)
	hqURL := fs.String("hq", "", "总部服务器地址 / HQ server address, e.g. https://hq.example.cn:8443")
	code := fs.String("code", "", "总部发放的一次性注册码 / the one-time code from HQ")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("enroll", args); err != nil {
			return err
		}
		if *hqURL == "" || *code == "" {
			return cli.Usagef("kaohe enroll", "需要 --hq 和 --code / --hq and --code are required")
		}
		if kaohe.PlainHTTPRemote(*hqURL) {
			fmt.Fprintln(e.stderr, i18n.Text(ui.Language(), "cli.plain_http_warning", map[string]any{"HQ": *hqURL}))
		}
		svc, done, err := e.service(ctx)
		if err != nil {
			return err
		}
		defer done()
		if _, err := p.signInIfAccounts(ctx, svc, "enroll"); err != nil {
			return err
		}
		if err := svc.BackupBeforeFirstEnrollment(ctx); err != nil {
			return err
		}
		return enroll(ctx, svc.Store, *hqURL, *code, e.stdout)
	}
}

func enroll(ctx context.Context, s *store.Store, hqURL, code string, stdout io.Writer) error {
	sr, err := engine.Enroll(ctx, s, hqURL, code)
	if err != nil {
		return err
	}
	if sr.ID == "" {
		fmt.Fprintln(stdout, "已注册为总部用户（评审小组）：本机将同步所有展厅的数据。")
		return nil
	}
	fmt.Fprintf(stdout, "已注册为展厅 %s %s，可以同步了。\n", sr.Code, sr.Name)
	return nil
}

// cmdSync syncs once; it fails (exit code 1) when the sync did. After it
// (also after HQ's "please upgrade") it asks HQ for a newer build, fetches
// and verifies it, and says what to do.
func (e *env) cmdSync(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("sync", args); err != nil {
			return err
		}
		// The database opens without its integrity check, which runs beside
		// the sync instead of before it (as the window's runs beside its
		// first sync): the first batch leaves at once. A damaged database
		// stops the sync and is said as such, as before.
		e.unchecked = true
		syncGC()
		svc, done, err := e.updatingService(ctx)
		if err != nil {
			return err
		}
		defer done()
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		checked := make(chan error, 1)
		go func() {
			err := store.CheckFile(sctx, svc.Store.Path())
			if err != nil {
				cancel()
			}
			checked <- err
		}()
		err = svc.SyncNow(sctx) // its end asks HQ for a newer build
		if cerr := <-checked; cerr != nil && ctx.Err() == nil {
			return cerr
		}
		st := svc.SyncStatus(ctx)
		if err == nil {
			fmt.Fprintf(e.stdout, "同步完成：待发送 %d 条，被总部拒绝 %d 条。\n", st.Pending, st.Refused)
		}
		if st.Waiting > 0 {
			lang := ui.Language()
			fmt.Fprintln(e.stdout, i18n.Text(lang, "sync.waiting", map[string]any{"Count": st.Waiting, "Reason": i18n.Refusal(lang, st.WaitingFor)}))
		}
		e.sayUpdate(st)
		return err
	}
}

// syncGCPercent is the garbage collector's pace in `kaohe sync` unless GOGC
// says otherwise: a first sync reads, encodes and drops ~100 MB of batches
// while holding ~10 MB, so at Go's default (a collection each time the heap
// doubles) the collector took about a tenth of the command's CPU, which
// the two cores share with HQ when both run on one machine. The window
// keeps its own, lower pace (ui.LimitMemory).
const syncGCPercent = 400

func syncGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(syncGCPercent)
	}
}

// updatingService is the command line's service that checks for, stages
// and installs HQ's builds, with a build staged earlier already found.
func (e *env) updatingService(ctx context.Context) (*service.Service, func(), error) {
	svc, done, err := e.service(ctx)
	if err != nil {
		return nil, nil, err
	}
	svc.App = e.appInfo()
	svc.App.NoRestart = true // nothing to restart: no window is open
	svc.LoadStagedUpdate(ctx)
	return svc, done, nil
}

// sayUpdate tells of a build ready to install, or why one was refused.
func (e *env) sayUpdate(st kaohe.SyncStatus) {
	lang := ui.Language()
	if st.UpdateError != nil {
		fmt.Fprintln(e.stderr, i18n.Text(lang, "sync.update_error", map[string]any{"Error": i18n.Error(lang, st.UpdateError)}))
	}
	if st.Update != "" {
		fmt.Fprintln(e.stdout, i18n.Text(lang, "cli.update_available", map[string]any{"Version": st.Update}))
	}
}

// cmdUpdate installs the newest build HQ published: asked of HQ when
// enrolled and reachable, else one fetched earlier or staged from a bundle
// (--bundle FILE imports it first). It is verified once more before it is
// put in place.
func (e *env) cmdUpdate(fs *flag.FlagSet) cli.Run {
	fromBundle := fs.String("bundle", "", "先导入总部同步包（新版本文件在其旁边）/ import HQ's bundle first (the build beside it)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("update", args); err != nil {
			return err
		}
		svc, done, err := e.updatingService(ctx)
		if err != nil {
			return err
		}
		defer done()
		lang := ui.Language()
		var outdated error // the bundle was written for a newer protocol: imported again after the update
		if *fromBundle != "" {
			n, err := svc.ImportBundle(ctx, *fromBundle)
			if err != nil && kaohe.ErrorKey(err) != "err.upgrade" {
				return err
			}
			if outdated = err; outdated == nil {
				fmt.Fprintf(e.stdout, "已导入总部同步包：%d 条新变更。\n", n)
			}
		} else if err := svc.CheckUpdate(ctx); kaohe.ErrorKey(err) == "err.not_enrolled" {
			// No HQ to ask, and no build can be trusted before HQ's key
			// came with the enrollment: say so, and fail.
			return kaohe.Errorf(kaohe.ECONFLICT, "err.update_not_enrolled")
		} else if err != nil {
			fmt.Fprintln(e.stderr, i18n.Error(lang, err)) // offline: a build fetched earlier may still be here
		}
		if err := svc.UpdateError(); err != nil {
			return err
		}
		r, ok := svc.AvailableRelease()
		if !ok {
			fmt.Fprintln(e.stdout, i18n.Text(lang, "cli.update_current", map[string]any{"Version": Version}))
			return outdated // a bundle this version cannot read, and no build that can
		}
		if err := svc.InstallUpdate(ctx); err != nil {
			return err
		}
		if r.Kind == protocol.ReleaseInstaller {
			fmt.Fprintln(e.stdout, i18n.Text(lang, "cli.update_installing", map[string]any{"Version": r.Version}))
		} else {
			fmt.Fprintln(e.stdout, i18n.Text(lang, "cli.update_replaced", map[string]any{"Version": r.Version, "Exe": svc.App.Exe}))
		}
		if outdated != nil {
			fmt.Fprintln(e.stdout, i18n.Text(lang, "cli.update_import_again", map[string]any{"File": *fromBundle}))
		}
		return nil
	}
}

// cmdBundleExport writes the unsynced changes to an offline bundle for HQ.
func (e *env) cmdBundleExport(fs *flag.FlagSet) cli.Run {
	out := fs.String("out", "", "同步包文件 / bundle file")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("bundle export", args); err != nil {
			return err
		}
		if *out == "" {
			return cli.Usagef("kaohe bundle export", "缺少 --out / --out is required")
		}
		s, err := e.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		var n int
		err = documents.WriteFile(*out, func(w io.Writer) error {
			var err error
			n, err = engine.ExportBundle(ctx, s, w)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已导出 %d 条未同步的变更到 %s，请交总部导入。\n", n, *out)
		return nil
	}
}

// cmdBundleImport reads a bundle HQ wrote for this showroom.
func (e *env) cmdBundleImport(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			return cli.Usagef("kaohe bundle import", "请指定一个同步包文件 / name one bundle file")
		}
		svc, done, err := e.service(ctx)
		if err != nil {
			return err
		}
		defer done()
		svc.App = e.appInfo()
		n, err := svc.ImportBundle(ctx, args[0])
		if err == nil {
			fmt.Fprintf(e.stdout, "已导入总部同步包：%d 条新变更。\n", n)
		}
		e.sayUpdate(svc.SyncStatus(ctx)) // a build that came with the bundle
		return err
	}
}
