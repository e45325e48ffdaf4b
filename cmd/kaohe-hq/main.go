// Command kaohe-hq is the HQ server (kaohe-hq serve) and its admin
// commands: showrooms, HQ users, statistics and keys.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"kaohe/internal/applog"
	"kaohe/internal/cli"
	"kaohe/internal/demo"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/internal/watch"
	"kaohe/sync/bundle"
	"kaohe/sync/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ue *cli.UsageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, ue.Msg)
	case err != nil && !errors.Is(err, errVerdict):
		fmt.Fprintln(os.Stderr, i18n.Error(kaohe.LangZh, err))
	}
	stopProfile()
	os.Exit(cli.ExitCode(err))
}

// stopProfile ends the diagnostics profile begun at start (applog.CPUProfile).
var stopProfile = applog.CPUProfile()

// env is what every command shares: the database flag and where to print.
type env struct {
	db      string
	keyFile string // HQ's private signing keys ("" : beside the database)
	stdout  io.Writer
	stderr  io.Writer
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr}
	return e.program().Run(ctx, args, stdout, stderr)
}

// program is kaohe-hq's command line. A new command is one row here and one
// method of env that declares its flags and returns what to run (see
// package cli).
func (e *env) program() *cli.Program {
	return &cli.Program{
		Name:    "kaohe-hq",
		Intro:   "kaohe-hq — 客户经理考核 总部服务器 / HQ server\n",
		Globals: e.globals,
		Commands: []cli.Command{
			{Name: "serve", Args: "[--addr HOST:PORT] [--public-url URL] [--tls-cert FILE --tls-key FILE] [--drop DIR]", Summary: "运行总部服务器 / run the HQ server", Setup: e.cmdServe},
			{Name: "demo", Args: "[--managers N] [--years N] [--seed N] [--today YYYY-MM-DD]", Summary: "写入与演示展厅一致的总部演示数据（仅限空数据库），并发放 SH01 的注册码 / seed HQ with the demo showroom's story (empty database only) and SH01's one-time code", Setup: e.cmdDemo},
			{Name: "showroom add", Args: "--code CODE --name NAME [--region REGION]", Summary: "添加展厅并发放一次性注册码 / add a showroom and its one-time code", Setup: e.cmdShowroomAdd},
			{Name: "showroom list", Summary: "列出展厅 / list showrooms", Setup: e.cmdShowroomList},
			{Name: "showroom revoke", Args: "--code CODE", Summary: "吊销展厅凭据 / revoke a showroom's credential", Setup: e.cmdShowroomRevoke},
			{Name: "showroom reissue", Args: "--code CODE [--keep]", Summary: "重新发放注册码（吊销旧凭据；--keep 保留，供另一台电脑注册）/ a fresh code (revokes the old credential; --keep keeps it, for another install)", Setup: e.cmdShowroomReissue},
			{Name: "period add", Args: "--year YYYY [--to YYYY] [--kind half|quarter|month|year [--index N]]", Summary: "发布考核期（往年的也可以；展厅等待中的考核随后上传）/ publish assessment periods, of earlier years too", Setup: e.cmdPeriodAdd},
			{Name: "period list", Summary: "列出总部发布的考核期 / list the assessment periods HQ publishes", Setup: e.cmdPeriodList},
			{Name: "hq-user add", Args: "--name NAME", Summary: "添加总部用户（评审小组）/ add an HQ user (review group)", Setup: e.cmdHQUserAdd},
			{Name: "hq-user list", Summary: "列出总部用户 / list HQ users", Setup: e.cmdHQUserList},
			{Name: "hq-user revoke", Args: "--name NAME", Summary: "吊销总部用户 / revoke an HQ user", Setup: e.cmdHQUserRevoke},
			{Name: "account list", Args: "--showroom CODE", Summary: "列出展厅的账号 / list a showroom's accounts", Setup: e.cmdAccountList},
			{Name: "account disable", Args: "--showroom CODE --employee-no NO [--reason TEXT]", Summary: "总部停用展厅账号（下次同步后不能登录）/ disable a showroom's account from HQ", Setup: e.cmdAccountBlock(true)},
			{Name: "account enable", Args: "--showroom CODE --employee-no NO", Summary: "总部重新启用展厅账号 / enable it again", Setup: e.cmdAccountBlock(false)},
			{Name: "level set", Args: "--showroom CODE --employee-no NO --level N --date YYYY-MM-DD --decided-by NAME [--reason TEXT]", Summary: "总部定级：录入客户经理进入系统前已有的等级（逐级记录）/ HQ records the level a manager held before the system (one step at a time)", Setup: e.cmdLevelSet},
			{Name: "audit", Args: "[--showroom CODE] [--since DATE]", Summary: "谁改了什么：总部收到的每项更改及其账号 / who changed what", Setup: e.cmdAudit},
			{Name: "import", Args: "BUNDLE", Summary: "导入展厅同步包 / import a showroom's bundle", Setup: e.cmdImport},
			{Name: "export", Args: "--showroom CODE --out FILE [--no-release]", Summary: "为展厅导出同步包 / write HQ's bundle for a showroom", Setup: e.cmdExport},
			{Name: "stats", Summary: "各展厅数据统计（JSON）/ rows per showroom (JSON)", Setup: e.cmdStats},
			{Name: "release add", Args: "[--version X.Y.Z] kaohe-setup-X.Y.Z.exe", Summary: "发布新版本（总部密钥签名）/ publish a build, signed with HQ's key", Setup: e.cmdReleaseAdd},
			{Name: "keygen", Summary: "启用新签名密钥 / start a new signing key", Setup: e.cmdKeygen},
			{Name: "verify", Args: "SERIAL CODE", Summary: "核验证书 / check a certificate", Setup: e.cmdVerify},
			{Name: "revoke", Args: "--serial SERIAL --reason TEXT", Summary: "吊销证书 / revoke a certificate", Setup: e.cmdRevoke},
		},
	}
}

// globals are the flags every command takes, before or after its name.
func (e *env) globals(fs *flag.FlagSet) {
	fs.StringVar(&e.db, "db", "kaohe-hq.db", "数据库文件 / database file")
	fs.StringVar(&e.keyFile, "key-file", "", "总部签名私钥文件（0600；设 KAOHE_HQ_KEY_PASSPHRASE 则加密），默认在数据库旁 / HQ's private signing keys (0600; sealed with KAOHE_HQ_KEY_PASSPHRASE), default beside the database")
}

// open opens HQ's database for a command, with its signing keys' own file.
func (e *env) open(ctx context.Context, opts ...hq.Option) (*hq.Store, error) {
	s, err := hq.Open(ctx, e.db, opts...)
	if err != nil {
		return nil, err
	}
	path := e.keyFile
	if path == "" {
		path = e.db + ".signing-keys"
	}
	if err := s.UseKeyFile(ctx, path, os.Getenv("KAOHE_HQ_KEY_PASSPHRASE")); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return cli.Usagef("kaohe-hq "+cmd, "多余的参数 / unexpected argument %q", args[0])
	}
	return nil
}

func (e *env) cmdServe(fs *flag.FlagSet) cli.Run {
	addr := fs.String("addr", "127.0.0.1:8443", "监听地址 / listen address")
	cert := fs.String("tls-cert", "", "TLS 证书 / certificate file")
	key := fs.String("tls-key", "", "TLS 私钥 / key file")
	drop := fs.String("drop", "", "监视的同步包投放文件夹 / drop folder watched for bundles")
	public := fs.String("public-url", "", "总部公网地址（https://…），印在证书二维码中并发给各展厅 / HQ's public address (https://…), printed in certificates' QR codes and sent to showrooms")
	insecure := fs.Bool("insecure", false, "允许其他电脑经未加密的 HTTP 注册（注册码明文传输）/ let other machines enroll over plain HTTP (the code travels in clear)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("serve", args); err != nil {
			return err
		}
		if (*cert == "") != (*key == "") {
			return cli.Usagef("kaohe-hq serve", "--tls-cert 和 --tls-key 须一起给出 / --tls-cert and --tls-key go together")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		if *public != "" {
			if err := s.SetPublicURL(ctx, *public); err != nil {
				return err
			}
		}
		if u, err := s.PublicURL(ctx); err != nil {
			return err
		} else if u == "" {
			slog.New(slog.NewJSONHandler(e.stderr, nil)).Warn("no public URL: certificates print without a QR code, marked not yet verifiable; serve once with --public-url https://…")
		}
		if *drop != "" {
			go watchDrop(ctx, s, *drop, e.stderr)
		}
		return serve(ctx, &server.Server{Store: s, Insecure: *insecure, Releases: e.releaseDir()}, *addr, *cert, *key, e.stderr)
	}
}

// cmdDemo seeds HQ's side of the demo (demo.SeedHQ); its options must be
// the showroom demo's (kaohe demo takes the same flags and defaults).
func (e *env) cmdDemo(fs *flag.FlagSet) cli.Run {
	o := demo.Options{}
	fs.IntVar(&o.Managers, "managers", 20, "演示展厅客户经理人数（同 kaohe demo）/ the demo showroom's managers (as for kaohe demo)")
	fs.IntVar(&o.Years, "years", 2, "年数（同 kaohe demo）/ years of data (as for kaohe demo)")
	fs.Uint64Var(&o.Seed, "seed", 20061016, "随机种子（同 kaohe demo）/ random seed (as for kaohe demo)")
	date := fs.String("today", "", "演示数据的“今天” YYYY-MM-DD，默认今天（同 kaohe demo）/ the demo's today, default today (as for kaohe demo)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("demo", args); err != nil {
			return err
		}
		o.Today = kaohe.Today(time.Now())
		if *date != "" {
			d, err := kaohe.ParseDate(*date)
			if err != nil {
				return err
			}
			o.Today = d
		}
		// HQ lives on the demo's day while it seeds: a new HQ publishes that
		// year's periods, and judges the story's dates by that day.
		day := o.Today.Time().Add(12 * time.Hour)
		s, err := e.open(ctx, hq.WithClock(func() time.Time { return day }))
		if err != nil {
			return err
		}
		defer s.Close()
		start := time.Now()
		sum, err := demo.SeedHQ(ctx, s, o)
		if err != nil {
			return err
		}
		// The showroom's code is for today, by the machine's clock: one made
		// on a demo day weeks ago would have expired already.
		s.Now = time.Now
		if sum.Code, err = s.ReissueShowroom(ctx, sum.Showroom.Code); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "总部演示数据已写入 %s：展厅 %s %s，客户经理 %d 人，考级申请 %d 份，总部决定 %d 项（用时 %s）。\n",
			e.db, sum.Showroom.Code, sum.Showroom.Name, sum.Managers, sum.Applications, sum.Acts, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(e.stdout, "演示展厅：kaohe --data DIR demo（同样的选项），再 kaohe --data DIR enroll --user D001 --hq URL --code 注册码，然后 kaohe --data DIR sync。\n")
		fmt.Fprintf(e.stdout, "展厅 %s 的一次性注册码：\n%s\n", sum.Showroom.Code, sum.Code)
		return nil
	}
}

func (e *env) cmdShowroomAdd(fs *flag.FlagSet) cli.Run {
	code := fs.String("code", "", "展厅代码 / showroom code")
	name := fs.String("name", "", "展厅名称 / showroom name")
	region := fs.String("region", "", "片区 / region")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("showroom add", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		sr, enroll, err := s.AddShowroom(ctx, *code, *name, *region)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已添加展厅 %s %s（%s）。一次性注册码（在展厅程序“设置”或 kaohe enroll 中输入）：\n%s\n", sr.Code, sr.Name, sr.ID, enroll)
		return nil
	}
}

func (e *env) cmdShowroomList(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("showroom list", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		list, err := s.Showrooms(ctx)
		if err != nil {
			return err
		}
		for _, sr := range list {
			state := "有效"
			if sr.Revoked {
				state = "已吊销"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", sr.Code, sr.Name, sr.Region, state)
		}
		return nil
	}
}

func (e *env) cmdShowroomRevoke(fs *flag.FlagSet) cli.Run {
	code := fs.String("code", "", "展厅代码 / showroom code")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("showroom revoke", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.RevokeShowroom(ctx, *code); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已吊销展厅 %s 的凭据。\n", *code)
		return nil
	}
}

func (e *env) cmdShowroomReissue(fs *flag.FlagSet) cli.Run {
	code := fs.String("code", "", "展厅代码 / showroom code")
	keep := fs.Bool("keep", false, "保留现有凭据（为展厅的另一台电脑发放注册码）/ keep the credentials (a code for another install)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("showroom reissue", args); err != nil {
			return err
		}
		if *code == "" {
			return cli.Usagef("kaohe-hq showroom reissue", "需要 --code / --code is required")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		var enroll string
		if *keep {
			enroll, err = s.NewShowroomCode(ctx, *code)
		} else {
			enroll, err = s.ReissueShowroom(ctx, *code)
		}
		if err != nil {
			return err
		}
		if *keep {
			fmt.Fprintf(e.stdout, "展厅 %s 的新注册码（现有凭据保留）：\n%s\n", *code, enroll)
		} else {
			fmt.Fprintf(e.stdout, "展厅 %s 的旧凭据已吊销；新的一次性注册码：\n%s\n", *code, enroll)
		}
		return nil
	}
}

func (e *env) cmdHQUserList(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("hq-user list", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		users, err := s.HQUsers(ctx)
		if err != nil {
			return err
		}
		states := map[string]string{"active": "使用中 / active", "revoked": "已吊销 / revoked", "waiting": "注册码未使用 / code not used yet", "expired": "注册码已过期 / code expired"}
		for _, u := range users {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", u.Name, states[u.Status], u.Created, u.Credential)
		}
		return nil
	}
}

func (e *env) cmdHQUserRevoke(fs *flag.FlagSet) cli.Run {
	name := fs.String("name", "", "总部用户名称或凭据编号 / the HQ user's name or credential id")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("hq-user revoke", args); err != nil {
			return err
		}
		if *name == "" {
			return cli.Usagef("kaohe-hq hq-user revoke", "需要 --name / --name is required")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		n, err := s.RevokeHQUser(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已吊销总部用户 %s（%d 项凭据或注册码）。\n", *name, n)
		return nil
	}
}

func (e *env) cmdHQUserAdd(fs *flag.FlagSet) cli.Run {
	name := fs.String("name", "", "总部用户名称 / the HQ user's name")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("hq-user add", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		enroll, err := s.AddHQUser(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "总部用户 %s 的一次性注册码：\n%s\n", *name, enroll)
		return nil
	}
}

func (e *env) cmdImport(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			return cli.Usagef("kaohe-hq import", "请指定一个同步包文件 / name one bundle file")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		return importBundle(ctx, s, args[0], e.stdout)
	}
}

func (e *env) cmdExport(fs *flag.FlagSet) cli.Run {
	showroom := fs.String("showroom", "", "展厅代码 / showroom code")
	out := fs.String("out", "", "输出文件 / output file")
	noRelease := fs.Bool("no-release", false, "不附带已发布的新版本 / leave the published build out")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("export", args); err != nil {
			return err
		}
		if *showroom == "" || *out == "" {
			return cli.Usagef("kaohe-hq export", "需要 --showroom 和 --out / --showroom and --out are required")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		b, key, err := s.ExportBundle(ctx, *showroom)
		if err != nil {
			return err
		}
		// The newest published build travels with the bundle: its signed
		// manifest inside, the file itself beside the bundle.
		if !*noRelease {
			r, ok, err := e.releaseDir().Latest()
			if err != nil {
				return err
			}
			if ok {
				if err := e.releaseDir().CopyTo(r, filepath.Dir(*out)); err != nil {
					return err
				}
				b.Release = &r
			}
		}
		f, err := os.Create(*out + ".part")
		if err != nil {
			return err
		}
		err = bundle.Write(f, b, key)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out + ".part")
			return err
		}
		if err := os.Rename(*out+".part", *out); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已为展厅 %s 导出 %d 条变更到 %s\n", *showroom, len(b.Changes), *out)
		if b.Release != nil {
			fmt.Fprintf(e.stdout, "同步包附带新版本 %s：请把 %s 与同步包一起交给展厅（放在同一文件夹）。\n", b.Release.Version, filepath.Join(filepath.Dir(*out), b.Release.File))
		}
		return nil
	}
}

func (e *env) cmdStats(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("stats", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		st, err := s.Stats(ctx)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
}

func (e *env) cmdKeygen(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("keygen", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		id, err := s.NewKey(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "新签名密钥 %s 已启用；旧密钥签发的证书仍然有效。\n", id)
		return nil
	}
}

// cmdVerify exits 1 for anything but a genuine certificate.
func (e *env) cmdVerify(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if len(args) != 2 {
			return cli.Usagef("kaohe-hq verify", "需要证书编号和验证码 / give the serial and the code")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		c, v, err := s.Verify(ctx, args[0], args[1])
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, verdictText(v, c))
		if v != kaohe.Genuine {
			return errVerdict
		}
		return nil
	}
}

func (e *env) cmdRevoke(fs *flag.FlagSet) cli.Run {
	serial := fs.String("serial", "", "证书编号 / certificate serial")
	reason := fs.String("reason", "", "原因 / reason")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("revoke", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		c, err := s.Revoke(ctx, *serial, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已吊销证书 %s（%s），展厅同步后生效。\n", c.Serial, c.HolderName)
		return nil
	}
}

// serveGC is the server's garbage collector's pace unless GOGC says
// otherwise: a push of 5,000 changes allocates ~30 MB it drops after the
// answer, so with Go's default (a collection each time the heap doubles)
// HQ spent about a fifth of a sync's CPU collecting. The soft limit (unless
// GOMEMLIMIT is set) makes it collect as usual when the heap grows large.
const (
	serveGC       = 400
	serveMemLimit = 1 << 30
)

// serve runs the HTTP server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, hs *server.Server, addr, cert, key string, logw io.Writer) error {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGC)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemLimit)
	}
	log := slog.New(slog.NewJSONHandler(logw, nil))
	hs.Log = log
	srv := hs.HTTPServer(addr, server.DefaultTimeouts)
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", addr, "tls", cert != "", "insecure_enroll", hs.Insecure)
		if cert == "" && !hs.Insecure {
			log.Warn("plain HTTP: showrooms on other machines cannot enroll; serve with --tls-cert/--tls-key, or --insecure on a trusted network")
		}
		if cert != "" {
			errc <- srv.ListenAndServeTLS(cert, key)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func importBundle(ctx context.Context, s *hq.Store, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := s.ImportFile(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "展厅 %s 的同步包：新导入 %d 条，重复 %d 条，拒绝 %d 条。\n", sum.ShowroomID, sum.Applied, sum.Duplicates, sum.Refused)
	fmt.Fprint(stdout, refusedNote(kaohe.LangZh, sum))
	return nil
}

// refusedNote lists the changes HQ refused inside an accepted bundle, with
// their reasons in lang; empty when none was refused.
func refusedNote(lang kaohe.Lang, sum hq.Imported) string {
	if sum.Refused == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(i18n.Text(lang, "bundle.refused_note", map[string]any{"Count": sum.Refused, "Applied": sum.Applied}) + "\n")
	for _, r := range sum.Refusals {
		fmt.Fprintf(&b, "- %s: %s\n", r.ID, i18n.Refusal(lang, r.Message))
	}
	if more := sum.Refused - len(sum.Refusals); more > 0 {
		b.WriteString(i18n.Text(lang, "bundle.refused_more", map[string]any{"Count": more}) + "\n")
	}
	return b.String()
}

// watchDrop imports showroom bundles that appear in dir.
func watchDrop(ctx context.Context, s *hq.Store, dir string, logw io.Writer) {
	log := slog.New(slog.NewJSONHandler(logw, nil))
	if err := dropFolder(s, dir, log).Run(ctx); err != nil {
		log.Error("drop folder", "dir", dir, "err", err)
	}
}

// dropFolder is HQ's drop folder: each bundle imported, refused ones kept
// in failed/ with the reason, refused changes of accepted ones noted in done/.
func dropFolder(s *hq.Store, dir string, log *slog.Logger) *watch.Folder {
	return &watch.Folder{Dir: dir, Ext: bundle.Ext, Handle: func(ctx context.Context, file *os.File) (string, error) {
		sum, err := s.ImportFile(ctx, file)
		if err != nil {
			return "", err
		}
		return refusedNote(kaohe.LangZh, sum), nil
	}, Reason: func(err error) string {
		return i18n.Error(kaohe.LangZh, err)
	}, Log: func(path string, err error) {
		if err != nil {
			log.Error("bundle", "file", path, "err", i18n.Error(kaohe.LangZh, err))
		} else {
			log.Info("bundle imported", "file", path)
		}
	}}
}

// errVerdict makes verify exit 1 for anything but a genuine certificate.
var errVerdict = errors.New("not genuine")

func verdictText(v kaohe.Verdict, c kaohe.Certificate) string {
	switch v {
	case kaohe.Genuine:
		return fmt.Sprintf("真实有效 genuine：%s，%s，%d级，%s 授予，编号 %s", c.HolderName, c.Showroom, c.Level, c.GrantedOn.Chinese(), c.Serial)
	case kaohe.Revoked:
		return fmt.Sprintf("已吊销 revoked：%s（%s），原因：%s", c.Serial, c.HolderName, c.RevokedWhy)
	case kaohe.Forged:
		return "伪造 forged：内容与签发记录不符"
	}
	return "未找到 unknown：编号或验证码不正确"
}
