// Command kaohe is the showroom desktop app (客户经理考核). With no
// subcommand it opens the window; with one it works on the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/app"

	"kaohe/internal/applog"
	"kaohe/internal/cli"
	"kaohe/internal/demo"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/watch"
	"kaohe/internal/xinput"
	"kaohe/sync/bundle"
	"kaohe/sync/engine"
	"kaohe/ui"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "0.1.0-dev"

const appID = "cn.kaohe.desktop"

// Backups: one at every start and one a day, keeping the newest backupKeep.
const (
	backupKeep  = 30
	backupEvery = 24 * time.Hour
)

// env is what every command shares: the global flags and where to print.
type env struct {
	data   string
	lang   string // "" until --lang is given; then it wins over the language saved in Settings
	demo   bool
	drop   string
	stdout io.Writer
	stderr io.Writer
	// unchecked opens the database without its integrity check: the
	// command runs the check itself, beside its work (sync).
	unchecked bool
}

func main() {
	console := attachConsole()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdout: os.Stdout, stderr: os.Stderr}
	p := e.program()
	err := p.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		report(os.Stderr, os.Args, err, p.RanDefault() || !console)
	}
	stopProfile()
	os.Exit(cli.ExitCode(err))
}

// stopProfile ends the diagnostics profile begun at start (applog.CPUProfile).
var stopProfile = applog.CPUProfile()

// showBox shows an error in a message box (Windows; a test records it).
var showBox = messageBox

// report tells of the error that ended the program: on stderr, in the log,
// and in a message box when someone may have double-clicked the program
// (box): the window's start-up errors (a database that cannot open, no
// OpenGL…) always, whatever console the program has; a command's only when
// it has no console. A mistake in the command line is typed, never boxed.
func report(stderr io.Writer, args []string, err error, box bool) {
	var ue *cli.UsageError
	msg := ui.ErrorText(err)
	if errors.As(err, &ue) {
		msg = ue.Msg
	}
	fmt.Fprintln(stderr, msg)
	applog.Line(logDir(), strings.Join(args, " ")+": "+msg)
	if box && ue == nil {
		showBox("客户经理考核 Kaohe", msg+"\n\n"+ui.T("err.see_log", "Dir", logDir()))
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr}
	return e.program().Run(ctx, args, stdout, stderr)
}

// program is kaohe's command line. A new command is one row here and one
// method of env that declares its flags and returns what to run (see
// package cli).
func (e *env) program() *cli.Program {
	return &cli.Program{
		Name:    "kaohe",
		Intro:   "客户经理考核 kaohe — 展厅客户经理考核管理 / showroom customer-manager assessments\n\n  kaohe [--data DIR] [--lang zh|en] [--demo] [--drop DIR]\n      打开窗口 / open the window\n",
		Globals: e.globals,
		Flags:   e.windowFlags,
		Before:  e.before,
		Default: e.runWindow,
		Commands: []cli.Command{
			{Name: "demo", Args: "[--managers N] [--years N] [--seed N] [--today YYYY-MM-DD]", Summary: "写入演示展厅（仅限空数据库）/ seed the demo showroom into an empty database", Setup: e.cmdDemo},
			{Name: "pdf certificate", Args: "--manager 工号 --out FILE", Summary: "打印证书 / print a certificate", Setup: e.cmdPDF("certificate")},
			{Name: "pdf report", Args: "--manager 工号 [--period ID] --out FILE", Summary: "考核报告 / assessment report", Setup: e.cmdPDF("report")},
			{Name: "pdf summary", Args: "[--period ID] --out FILE", Summary: "展厅汇总 / showroom summary", Setup: e.cmdPDF("summary")},
			{Name: "pdf application", Args: "--manager 工号 --out FILE", Summary: "考级申请表 / level application form", Setup: e.cmdPDF("application")},
			{Name: "pdf reports", Args: "[--period ID] --dir DIR", Summary: "全部考核报告 / every manager's report", Setup: e.cmdPDF("reports")},
			{Name: "enroll", Args: "--hq URL --code CODE", Summary: "向总部注册 / enroll with HQ", Setup: e.cmdEnroll},
			{Name: "sync", Summary: "立即同步（失败时退出码非零）/ sync now (non-zero exit when it fails)", Setup: e.cmdSync},
			{Name: "bundle export", Args: "--out FILE", Summary: "导出离线同步包 / write an offline bundle for HQ", Setup: e.cmdBundleExport},
			{Name: "bundle import", Args: "FILE", Summary: "导入总部同步包 / import HQ's bundle", Setup: e.cmdBundleImport},
			{Name: "update", Args: "[--bundle FILE]", Summary: "安装总部发布的新版本（先校验签名）/ install HQ's new version (signature checked)", Setup: e.cmdUpdate},
			{Name: "excel export roster", Args: "--out FILE.xlsx", Summary: "导出花名册 / export the roster", Setup: e.cmdExcelExport("roster")},
			{Name: "excel export figures", Args: "[--year YYYY] --out FILE.xlsx", Summary: "导出目标与实绩 / export targets and figures", Setup: e.cmdExcelExport("figures")},
			{Name: "excel export assessments", Args: "--period ID --out FILE.xlsx", Summary: "导出考核结果 / export assessment results", Setup: e.cmdExcelExport("assessments")},
			{Name: "excel import roster", Args: "FILE.xlsx [--yes]", Summary: "导入花名册（先预览，--yes 才保存）/ import a roster (preview; saves with --yes)", Setup: e.cmdExcelImport("roster")},
			{Name: "excel import actuals", Args: "FILE.xlsx [--yes]", Summary: "导入实绩（先预览，--yes 才保存）/ import actual figures (preview; saves with --yes)", Setup: e.cmdExcelImport("actuals")},
			{Name: "backup", Summary: "立即备份 / back up now", Setup: e.cmdBackup},
			{Name: "restore", Args: "FILE", Summary: "从备份恢复 / restore a backup", Setup: e.cmdRestore},
			{Name: "setup", Args: "--name 姓名 --employee-no 工号 [--password-stdin]", Summary: "首次使用：创建展厅经理账号 / first run: create the showroom manager's account", Setup: e.cmdSetup},
			{Name: "account list", Args: "--user 工号", Summary: "列出账号 / list the accounts", Setup: e.cmdAccountList},
			{Name: "account add", Args: "--user 工号 --name 姓名 --employee-no 工号 --role ROLE", Summary: "添加账号（新密码取自 KAOHE_NEW_PASSWORD 或标准输入第二行）/ add an account", Setup: e.cmdAccountAdd},
			{Name: "account disable", Args: "--user 工号 工号 [--enable]", Summary: "停用或重新启用账号 / disable or re-enable an account", Setup: e.cmdAccountDisable},
			{Name: "version", Summary: "版本 / version", Setup: e.cmdVersion},
		},
	}
}

// globals are the flags every command takes, before or after its name.
func (e *env) globals(fs *flag.FlagSet) {
	fs.StringVar(&e.data, "data", defaultDataDir(), "数据文件夹 / data folder")
	fs.StringVar(&e.lang, "lang", "", "界面语言 zh 或 en，默认 zh 或设置中保存的语言 / language, zh or en; default zh or the one saved in Settings")
}

// windowFlags apply only to the window.
func (e *env) windowFlags(fs *flag.FlagSet) {
	fs.BoolVar(&e.demo, "demo", false, "数据库为空时写入演示展厅 / seed the demo showroom into an empty database")
	fs.StringVar(&e.drop, "drop", "", "窗口打开时监视此文件夹，导入总部同步包（如U盘）/ folder watched for HQ's bundles while the window is open")
}

func (e *env) before() error {
	if err := e.setLanguage(); err != nil {
		return err
	}
	if e.data == defaultDataDir() { // bring an older version's data along, once
		moved, err := migrateDataDir(context.Background(), legacyDataDir(), e.data, time.Now())
		if err != nil {
			return err
		}
		if moved {
			fmt.Fprintf(e.stderr, "数据已移到 %s / data moved to %s\n", e.data, e.data)
		}
	}
	return nil
}

func (e *env) setLanguage() error {
	l := kaohe.Lang(e.lang)
	if l == "" {
		l = kaohe.LangZh
	}
	return ui.SetLanguage(l)
}

// language is the language of documents and messages: --lang, else Chinese.
func (e *env) language() kaohe.Lang {
	if e.lang == "" {
		return kaohe.LangZh
	}
	return kaohe.Lang(e.lang)
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return cli.Usagef("kaohe "+cmd, "多余的参数 / unexpected argument %q", args[0])
	}
	return nil
}

func (e *env) cmdVersion(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("version", args); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "kaohe", Version, "schema", store.SchemaVersion)
		return nil
	}
}

func (e *env) dbPath() string    { return filepath.Join(e.data, "kaohe.db") }
func (e *env) backupDir() string { return filepath.Join(e.data, "backups") }
func today() kaohe.Date          { return kaohe.Today(time.Now()) }

// noAccount names the command line's work done without an account (a PDF
// printed from a script), never the operating system's user.
const noAccount = "命令行（无账号）"

func (e *env) openStore(ctx context.Context) (*store.Store, error) {
	if err := checkDataDir(e.data); err != nil {
		return nil, err
	}
	if e.unchecked {
		return store.OpenUnchecked(ctx, e.dbPath())
	}
	return store.Open(ctx, e.dbPath())
}

// processStart is when the program started, for the start-up times in the log.
var processStart = time.Now()

func (e *env) runWindow(ctx context.Context) error {
	logs, closeLog := applog.Tee(logDir(), e.stderr) // Fyne's and OpenGL's complaints land in the log too
	defer closeLog()
	log.SetOutput(logs)
	ui.LimitMemory() // the window's soft memory limit and GOGC, unless GOMEMLIMIT/GOGC set them
	release, running, err := acquireInstance()
	if err != nil {
		return err
	}
	if running {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.already_running")
	}
	defer release()
	xinput.Pin() // wine's XInput DLL would crash the quit as GLFW unloads it
	a := app.NewWithID(appID)
	if e.lang == "" {
		if err := ui.SetLanguage(ui.SavedLanguage(a)); err != nil {
			return err
		}
	}
	// Opened without reading the whole file: the integrity check comes with
	// the start-up backup, once the window is on screen (startWindow).
	if err := checkDataDir(e.data); err != nil {
		return err
	}
	opening := time.Now()
	s, err := store.OpenUnchecked(ctx, e.dbPath())
	log.Printf("start-up: database opened in %d ms", time.Since(opening).Milliseconds())
	if store.IsCorrupt(err) {
		e.damagedWindow(ctx, a, err, nil).Show()
		a.Run()
		if svc != nil {
			svc.StopSync() // the background sync has ended before the store closes
			svc.Store.Close()
		}
		return nil
	}
	if err != nil {
		return err
	}
	if err := e.startWindow(ctx, a, s, false); err != nil {
		return err
	}
	a.Run()
	svc.StopSync() // the background sync has ended before the store closes
	svc.Store.Close()
	return nil
}

// startWindow opens the main window on s, with its background work (at
// once when the app is already running, after a restore).
// damagedWindow is the way out of a damaged database, in the window: the
// newest backup that passes the check, then the app as usual. hidden is the
// main window the damage was found under (hidden, not closed: Fyne's GLFW
// driver can hand a closed window's pointer events on and crash), closed once
// the restored database has its window; closing this one without a restore
// quits.
func (e *env) damagedWindow(ctx context.Context, a fyne.App, err error, hidden fyne.Window) *ui.DamagedWindow {
	d := ui.Damaged{Err: err, Folder: e.backupDir()}
	restored := false
	if b, ok := store.NewestGoodBackup(ctx, e.backupDir()); ok {
		d.Backup = &kaohe.Backup{Path: b.Path, Time: b.Time, Size: b.Size}
		d.Restore = func() error {
			if _, err := store.Restore(ctx, b.Path, e.dbPath(), e.backupDir()); err != nil {
				return err
			}
			s, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			if err := e.startWindow(ctx, a, s, true); err != nil {
				return err
			}
			restored = true
			if hidden != nil {
				hidden.Close()
			}
			return nil
		}
	}
	dw := ui.NewDamagedWindow(a, d)
	if hidden != nil {
		dw.SetOnClosed(func() {
			if !restored {
				a.Quit()
			}
		})
	}
	return dw
}

func (e *env) startWindow(ctx context.Context, a fyne.App, s *store.Store, running bool) error {
	svc = service.New(s, e.backupDir())
	svc.App = e.appInfo()
	if e.demo {
		if err := seedIfEmpty(ctx, s); err != nil {
			return err
		}
	}
	w := ui.NewWindow(ui.Params{App: a, Service: svc, DocDir: filepath.Join(e.data, "documents"), DataDir: e.data, IdleTime: systemIdle()})
	// Once the window is up: the start-up backup (with the integrity check of
	// its copy) and the first sync run in the background, so a large
	// database never delays the first frame.
	bctx, cancel := context.WithCancel(ctx)
	start := func() {
		// With the version and the data folder: the restart after an update
		// (the installer's /UPDATE) is seen in the log as the new version's
		// window on the same data.
		log.Printf("start-up: kaohe %s on %s: window shown %d ms after start", Version, e.data, time.Since(processStart).Milliseconds())
		go func() {
			// The backup checks the database first (the check the window's
			// start left out): a damaged one closes the window for the way out.
			checking := time.Now()
			_, err := svc.Store.Backup(bctx, e.backupDir(), backupKeep)
			log.Printf("start-up: database checked and backed up in %d ms", time.Since(checking).Milliseconds())
			if store.IsCorrupt(err) {
				fyne.Do(func() {
					svc.StopSync()
					svc.Store.Close()
					w.Hide()
					e.damagedWindow(ctx, a, err, w).Show()
				})
				return
			}
			if err != nil {
				fmt.Fprintln(e.stderr, "backup:", ui.ErrorText(err)) // a failed backup must not keep the app closed
			}
			svc.LoadStagedUpdate(bctx) // fetched by an earlier "kaohe sync" or with a bundle
			e.dailyBackups(bctx)
		}()
		svc.StartSync(ctx) // when enrolled: syncs in the background while the window is open
	}
	a.Lifecycle().SetOnStopped(cancel)
	if running {
		start()
	} else {
		a.Lifecycle().SetOnStarted(start)
	}
	if e.drop != "" {
		go dropFolder(e.drop, func(ctx context.Context, f *os.File) (engine.Imported, error) {
			sum, err := svc.ImportBundleFrom(ctx, f, filepath.Dir(f.Name())) // a build beside the bundle is staged too
			if kaohe.ErrorKey(err) == "err.upgrade" {
				w.OfferUpdate() // the bundle needs a newer version: the one that came with it is offered at once
			}
			return sum, err
		}, w.DataChanged).Run(ctx)
	}
	go func() {
		<-ctx.Done() // Ctrl-C or a shutdown: close like the window's close button
		fyne.Do(a.Quit)
	}()
	w.Show()
	return nil
}

// executable is the running program's path (a test names a stand-in).
var executable = os.Executable

// appInfo names the running program for updates from HQ: fetched builds
// wait in the data folder's updates/.
func (e *env) appInfo() service.AppInfo {
	exe, _ := executable()
	return service.AppInfo{Version: Version, Exe: exe, Args: os.Args[1:], UpdateDir: filepath.Join(e.data, "updates")}
}

// dropFolder imports HQ's bundles that appear in dir with imp (a build
// beside a bundle is staged too) and tells the window (changed) so its
// screens read again; a refused file goes to failed/ with the reason in the
// user's language.
func dropFolder(dir string, imp func(ctx context.Context, f *os.File) (engine.Imported, error), changed func()) *watch.Folder {
	return &watch.Folder{Dir: dir, Ext: bundle.Ext, Handle: func(ctx context.Context, f *os.File) (string, error) {
		sum, err := imp(ctx, f)
		if err != nil {
			return "", err
		}
		if changed != nil {
			changed()
		}
		return refusedNote(sum), nil
	}, Reason: ui.ErrorText}
}

// refusedNote lists the changes of HQ's bundle this database refused, with
// their reasons in the user's language; empty when none was.
func refusedNote(sum engine.Imported) string {
	if sum.Refused == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(i18n.Text(ui.Language(), "bundle.refused_note", map[string]any{"Count": sum.Refused, "Applied": sum.Applied - sum.Refused}) + "\n")
	for _, r := range sum.Refusals {
		fmt.Fprintf(&b, "- %s (%s %s): %s\n", r.Change.ID, r.Change.Entity, r.Change.RowID, ui.ErrorText(r.Err))
	}
	if more := sum.Refused - len(sum.Refusals); more > 0 {
		b.WriteString(i18n.Text(ui.Language(), "bundle.refused_more", map[string]any{"Count": more}) + "\n")
	}
	return b.String()
}

// svc is the window's service, set once on the main goroutine before any
// background work starts (a restore replaces the data in place, never the
// store).
var svc *service.Service

func (e *env) dailyBackups(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := svc.Store.BackupIfDue(ctx, e.backupDir(), backupKeep, backupEvery); err != nil {
				fmt.Fprintln(e.stderr, "backup:", err)
			}
		}
	}
}

func seedIfEmpty(ctx context.Context, s *store.Store) error {
	ms, err := s.ListManagers(ctx, kaohe.ManagerFilter{WithDeleted: true})
	if err != nil || len(ms) > 0 {
		return err
	}
	_, err = demo.Seed(ctx, s, demo.Options{Today: today()})
	return err
}

func (e *env) cmdDemo(fs *flag.FlagSet) cli.Run {
	o := demo.Options{}
	fs.IntVar(&o.Managers, "managers", 20, "客户经理人数 / number of managers")
	fs.IntVar(&o.Years, "years", 2, "年数 / years of data")
	fs.Uint64Var(&o.Seed, "seed", 20061016, "随机种子 / random seed")
	date := fs.String("today", "", "演示数据的“今天” YYYY-MM-DD，默认今天 / the demo's today, default today")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("demo", args); err != nil {
			return err
		}
		o.Today = today()
		if *date != "" {
			d, err := kaohe.ParseDate(*date)
			if err != nil {
				return err
			}
			o.Today = d
		}
		s, err := e.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		// The demo is written on its own day (noon), as kaohe-hq demo writes
		// HQ's side: what the store dates by its today (an assessment's
		// submission) is the same at both ends, whatever day either ran.
		day := o.Today.Time().Add(12 * time.Hour)
		s.Now = func() time.Time { return day }
		start := time.Now()
		p := cli.NewProgress(e.stderr) // nil, and silent, when stderr is not a terminal
		o.Progress = p.Show
		sum, err := demo.Seed(ctx, s, o)
		p.Done()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "演示展厅已写入 %s：客户经理 %d 人，考核期 %d 个，考核 %d 份，培训 %d 场，奖惩 %d 条，考级申请 %d 份（用时 %s）\n",
			e.dbPath(), sum.Managers, sum.Periods, sum.Assessments, sum.Trainings, sum.Rewards, sum.Applications, time.Since(start).Round(time.Millisecond))
		return nil
	}
}

func (e *env) cmdBackup(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("backup", args); err != nil {
			return err
		}
		s, err := e.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		b, err := s.Backup(ctx, e.backupDir(), backupKeep)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已备份到 %s（%d 字节）\n", b.Path, b.Size)
		return nil
	}
}

func (e *env) cmdRestore(fs *flag.FlagSet) cli.Run {
	p := personFlags(fs)
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			list, _ := store.ListBackups(e.backupDir())
			fmt.Fprintln(e.stderr, "用法 / usage: kaohe restore FILE；可用备份 / backups:")
			for _, b := range list {
				fmt.Fprintf(e.stderr, "  %s  %s\n", b.Path, b.Time.Format("2006-01-02 15:04:05"))
			}
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_restore_file")
		}
		svc, done, err := e.service(ctx)
		if err != nil {
			return err
		}
		a, err := p.signInIfAccounts(ctx, svc, "restore")
		done()
		if err != nil {
			return err
		}
		res, err := store.Restore(ctx, args[0], e.dbPath(), e.backupDir())
		if err != nil {
			return err
		}
		if a.IsPerson() {
			if s, err := e.openStore(ctx); err == nil { // the restored database records who restored it
				s.UpdateAs(ctx, a, func(tx *store.Tx) error { return tx.Audit("restore", "database", "", args[0]) })
				s.Close()
			}
		}
		fmt.Fprintf(e.stdout, "已从 %s 恢复；原数据库先已备份为 %s；保留未发送的更改 %d 条（%d 条无法用于恢复的数据，仍待发送总部）。下次同步先从总部取回本展厅的全部数据。\n",
			args[0], res.Saved.Path, res.Kept, len(res.Unapplied))
		return nil
	}
}
