// Command kaohe is the showroom desktop app (客户经理考核). With no
// subcommand it opens the window; with one it works on the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/app"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/watch"
	"kaohe/sync/bundle"
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

type globals struct {
	data    string
	lang    string
	langSet bool // --lang given: it wins over the language saved in Settings
	demo    bool
	drop    string
}

func main() {
	attachConsole()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, ui.ErrorText(err))
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g := globals{}
	fs := flag.NewFlagSet("kaohe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.data, "data", defaultDataDir(), "数据文件夹 / data folder")
	fs.StringVar(&g.lang, "lang", "zh", "界面语言 zh 或 en / language, zh or en")
	fs.BoolVar(&g.demo, "demo", false, "数据库为空时写入演示展厅 / seed the demo showroom into an empty database")
	fs.StringVar(&g.drop, "drop", "", "窗口打开时监视此文件夹，导入总部同步包（如U盘）/ folder watched for HQ's bundles while the window is open")
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := ui.SetLanguage(kaohe.Lang(g.lang)); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) { g.langSet = g.langSet || f.Name == "lang" })
	rest := fs.Args()
	if len(rest) == 0 {
		return runWindow(ctx, g)
	}
	switch rest[0] {
	case "demo":
		return cmdDemo(ctx, g, rest[1:], stdout, stderr)
	case "pdf":
		return cmdPDF(ctx, g, rest[1:], stdout, stderr)
	case "enroll":
		return cmdEnroll(ctx, g, rest[1:], stdout, stderr)
	case "sync":
		return cmdSync(ctx, g, rest[1:], stdout, stderr)
	case "bundle":
		return cmdBundle(ctx, g, rest[1:], stdout, stderr)
	case "excel":
		return cmdExcel(ctx, g, rest[1:], stdout, stderr)
	case "backup":
		return cmdBackup(ctx, g, rest[1:], stdout, stderr)
	case "restore":
		return cmdRestore(ctx, g, rest[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "kaohe", Version, "schema", store.SchemaVersion)
		return nil
	case "help":
		usage(fs, stdout)
		return nil
	}
	usage(fs, stderr)
	return kaohe.Errorf(kaohe.EINVALID, "err.cli_unknown_command", "Value", rest[0])
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `客户经理考核 kaohe — 展厅客户经理考核管理

用法 / usage:
  kaohe [--data DIR] [--lang zh|en] [--demo]      打开窗口 / open the window
  kaohe [--data DIR] demo [--managers N] [--years N] [--seed N]
                                                  写入演示展厅 / seed the demo showroom
  kaohe [--data DIR] pdf certificate|report|summary|application|reports …
                                                  生成 PDF（kaohe pdf 查看用法）/ make a PDF
  kaohe [--data DIR] enroll --hq URL --code CODE  向总部注册 / enroll with HQ
  kaohe [--data DIR] sync                         立即同步（失败时退出码非零）/ sync now
  kaohe [--data DIR] bundle export --out FILE     导出离线同步包 / write an offline bundle for HQ
  kaohe [--data DIR] bundle import FILE           导入总部同步包 / import HQ's bundle
  kaohe [--data DIR] excel export roster|figures|assessments … / excel import roster|actuals FILE [--yes]
                                                  Excel 导入导出 / spreadsheets
  kaohe [--data DIR] backup                       立即备份 / back up now
  kaohe [--data DIR] restore FILE                 从备份恢复 / restore a backup
  kaohe version

选项 / options:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "kaohe-data"
	}
	return filepath.Join(dir, "kaohe")
}

func dbPath(g globals) string    { return filepath.Join(g.data, "kaohe.db") }
func backupDir(g globals) string { return filepath.Join(g.data, "backups") }
func today() kaohe.Date          { return kaohe.DateOf(time.Now()) }

// cliActorName names who is working, from the operating system's account,
// for the audit trail.
func cliActorName() string {
	for _, env := range []string{"USERNAME", "USER"} { // Windows, then Unix
		if u := os.Getenv(env); u != "" {
			return u
		}
	}
	return "kaohe"
}

// cliActor names who works from the command line.
func cliActor() string { return cliActorName() + "（命令行）" }

func openStore(ctx context.Context, g globals) (*store.Store, error) {
	return store.Open(ctx, dbPath(g))
}

func runWindow(ctx context.Context, g globals) error {
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer func() { svc.Store.Close() }()
	svc = service.New(s, backupDir(g))
	if g.demo {
		if err := seedIfEmpty(ctx, s); err != nil {
			return err
		}
	}
	if _, err := s.Backup(ctx, backupDir(g), backupKeep); err != nil {
		fmt.Fprintln(os.Stderr, "backup:", err) // a failed backup must not keep the app closed
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go dailyBackups(bctx, g)

	a := app.NewWithID(appID)
	if !g.langSet {
		if err := ui.SetLanguage(ui.SavedLanguage(a)); err != nil {
			return err
		}
	}
	w := ui.NewWindow(ui.Params{App: a, Service: svc, Actor: cliActorName(), DocDir: filepath.Join(g.data, "documents"), DataDir: g.data})
	svc.StartSync(ctx) // when enrolled: syncs in the background while the window is open
	if g.drop != "" {
		go (&watch.Folder{Dir: g.drop, Ext: bundle.Ext, Handle: func(ctx context.Context, path string) error {
			return importFile(ctx, svc.Store, path, io.Discard)
		}}).Run(ctx)
	}
	go func() {
		<-ctx.Done() // Ctrl-C or a shutdown: close like the window's close button
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// svc is the window's service; a restore from Settings swaps its store, so
// the background backups reach the store through it.
var svc *service.Service

func dailyBackups(ctx context.Context, g globals) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := svc.Store.BackupIfDue(ctx, backupDir(g), backupKeep, backupEvery); err != nil {
				fmt.Fprintln(os.Stderr, "backup:", err)
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

func cmdDemo(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := demo.Options{Today: today()}
	fs.IntVar(&o.Managers, "managers", 20, "客户经理人数 / number of managers")
	fs.IntVar(&o.Years, "years", 2, "年数 / years of data")
	fs.Uint64Var(&o.Seed, "seed", 20061016, "随机种子 / random seed")
	date := fs.String("today", "", "演示数据的“今天” YYYY-MM-DD / the demo's today")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *date != "" {
		d, err := kaohe.ParseDate(*date)
		if err != nil {
			return err
		}
		o.Today = d
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if o.Managers > 200 {
		o.Progress = func(done, total int) { fmt.Fprintf(stderr, "\r%d / %d", done, total) }
	}
	sum, err := demo.Seed(ctx, s, o)
	if o.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "演示展厅已写入 %s：客户经理 %d 人，考核期 %d 个，考核 %d 份，培训 %d 场，奖惩 %d 条，考级申请 %d 份（用时 %s）\n",
		dbPath(g), sum.Managers, sum.Periods, sum.Assessments, sum.Trainings, sum.Rewards, sum.Applications, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdBackup(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_no_arguments", "Command", "backup")
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := s.Backup(ctx, backupDir(g), backupKeep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份到 %s（%d 字节）\n", b.Path, b.Size)
	return nil
}

func cmdRestore(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		list, _ := store.ListBackups(backupDir(g))
		fmt.Fprintln(stderr, "用法 / usage: kaohe restore FILE；可用备份 / backups:")
		for _, b := range list {
			fmt.Fprintf(stderr, "  %s  %s\n", b.Path, b.Time.Format("2006-01-02 15:04:05"))
		}
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_restore_file")
	}
	if err := store.Restore(ctx, args[0], dbPath(g)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已从 %s 恢复；原数据库保存在 %s\n", args[0], dbPath(g)+".before-restore")
	return nil
}
