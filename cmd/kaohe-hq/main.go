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
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/internal/watch"
	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
	"kaohe/sync/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errVerdict) {
			fmt.Fprintln(os.Stderr, i18n.Error(kaohe.LangZh, err))
		}
		os.Exit(1)
	}
}

const usage = `kaohe-hq — 客户经理考核 总部服务器 / HQ server

  kaohe-hq serve --db FILE [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--drop DIR]
  kaohe-hq showroom add --db FILE --code CODE --name NAME [--region REGION]
  kaohe-hq showroom list --db FILE
  kaohe-hq showroom revoke --db FILE --code CODE
  kaohe-hq hq-user add --db FILE --name NAME
  kaohe-hq import --db FILE BUNDLE             导入展厅同步包 / import a showroom's bundle
  kaohe-hq export --db FILE --showroom CODE --out FILE   为展厅导出同步包 / HQ's bundle for a showroom
  kaohe-hq stats --db FILE
  kaohe-hq keygen --db FILE
  kaohe-hq verify --db FILE SERIAL CODE                       核验证书 / check a certificate
  kaohe-hq revoke --db FILE --serial SERIAL --reason TEXT     吊销证书 / revoke a certificate
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "showroom" || cmd == "hq-user") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	fs := flag.NewFlagSet("kaohe-hq "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "kaohe-hq.db", "数据库文件 / database file")
	addr := fs.String("addr", "127.0.0.1:8443", "监听地址 / listen address")
	cert := fs.String("tls-cert", "", "TLS 证书 / certificate file")
	key := fs.String("tls-key", "", "TLS 私钥 / key file")
	code := fs.String("code", "", "展厅代码 / showroom code")
	name := fs.String("name", "", "名称 / name")
	region := fs.String("region", "", "片区 / region")
	showroom := fs.String("showroom", "", "展厅代码 / showroom code")
	out := fs.String("out", "", "输出文件 / output file")
	drop := fs.String("drop", "", "监视的同步包投放文件夹 / drop folder watched for bundles")
	serial := fs.String("serial", "", "证书编号 / certificate serial")
	reason := fs.String("reason", "", "原因 / reason")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	s, err := hq.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	switch cmd {
	case "serve":
		if *drop != "" {
			go watchDrop(ctx, s, *drop, stderr)
		}
		return serve(ctx, s, *addr, *cert, *key, stderr)
	case "import":
		if fs.NArg() != 1 {
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", "kaohe-hq import --db FILE BUNDLE")
		}
		return importBundle(ctx, s, fs.Arg(0), stdout)
	case "export":
		if *showroom == "" || *out == "" {
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", "kaohe-hq export --db FILE --showroom CODE --out FILE")
		}
		f, err := os.Create(*out + ".part")
		if err != nil {
			return err
		}
		n, err := s.ExportFile(ctx, *showroom, f)
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
		fmt.Fprintf(stdout, "已为展厅 %s 导出 %d 条变更到 %s\n", *showroom, n, *out)
		return nil
	case "showroom add":
		sr, enroll, err := s.AddShowroom(ctx, *code, *name, *region)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已添加展厅 %s %s（%s）。一次性注册码（在展厅程序“设置”或 kaohe enroll 中输入）：\n%s\n", sr.Code, sr.Name, sr.ID, enroll)
		return nil
	case "showroom list":
		list, err := s.Showrooms(ctx)
		if err != nil {
			return err
		}
		for _, sr := range list {
			state := "有效"
			if sr.Revoked {
				state = "已吊销"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", sr.Code, sr.Name, sr.Region, state)
		}
		return nil
	case "showroom revoke":
		if err := s.RevokeShowroom(ctx, *code); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已吊销展厅 %s 的凭据。\n", *code)
		return nil
	case "hq-user add":
		enroll, err := s.AddHQUser(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "总部用户 %s 的一次性注册码：\n%s\n", *name, enroll)
		return nil
	case "stats":
		st, err := s.Stats(ctx)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	case "verify":
		if fs.NArg() != 2 {
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", "kaohe-hq verify --db FILE SERIAL CODE")
		}
		c, v, err := s.Verify(ctx, fs.Arg(0), fs.Arg(1))
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, verdictText(v, c))
		if v != kaohe.Genuine {
			return errVerdict
		}
		return nil
	case "revoke":
		c, err := s.Revoke(ctx, *serial, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已吊销证书 %s（%s），展厅同步后生效。\n", c.Serial, c.HolderName)
		return nil
	case "keygen":
		id, err := s.NewKey(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "新签名密钥 %s 已启用；旧密钥签发的证书仍然有效。\n", id)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return kaohe.Errorf(kaohe.EINVALID, "err.cli_unknown_command", "Value", cmd)
}

// serve runs the HTTP server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, s *hq.Store, addr, cert, key string, logw io.Writer) error {
	log := slog.New(slog.NewJSONHandler(logw, nil))
	srv := &http.Server{
		Addr:              addr,
		Handler:           (&server.Server{Store: s, Log: log}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", addr, "tls", cert != "")
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
	b, res, err := s.ImportFile(ctx, f)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Status]++
	}
	fmt.Fprintf(stdout, "展厅 %s 的同步包：新导入 %d 条，重复 %d 条，拒绝 %d 条。\n", b.ShowroomID,
		counts[protocol.Applied], counts[protocol.Duplicate], counts[protocol.Refused])
	return nil
}

// watchDrop imports showroom bundles that appear in dir.
func watchDrop(ctx context.Context, s *hq.Store, dir string, logw io.Writer) {
	log := slog.New(slog.NewJSONHandler(logw, nil))
	f := &watch.Folder{Dir: dir, Ext: bundle.Ext, Handle: func(ctx context.Context, path string) error {
		return importBundle(ctx, s, path, io.Discard)
	}, Log: func(path string, err error) {
		if err != nil {
			log.Error("bundle", "file", path, "err", i18n.Error(kaohe.LangZh, err))
		} else {
			log.Info("bundle imported", "file", path)
		}
	}}
	if err := f.Run(ctx); err != nil {
		log.Error("drop folder", "dir", dir, "err", err)
	}
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
