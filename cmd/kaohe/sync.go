package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"kaohe/internal/documents"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/client"
	"kaohe/sync/engine"
)

// cmdEnroll trades HQ's one-time code for this showroom's credential.
func cmdEnroll(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hqURL := fs.String("hq", "", "总部服务器地址 / HQ server address, e.g. https://hq.example.cn:8443")
	code := fs.String("code", "", "总部发放的一次性注册码 / the one-time code from HQ")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hqURL == "" || *code == "" {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", "kaohe --data DIR enroll --hq URL --code CODE")
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	return enroll(ctx, s, *hqURL, *code, stdout)
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

// newEngine builds the sync engine from the stored credential, or nil
// before enrollment.
func newEngine(ctx context.Context, s *store.Store) (*engine.Engine, error) {
	hqURL, err := s.Meta(ctx, store.MetaHQURL)
	if err != nil {
		return nil, err
	}
	token, err := s.Meta(ctx, store.MetaToken)
	if err != nil || hqURL == "" || token == "" {
		return &engine.Engine{Store: s}, err
	}
	return &engine.Engine{Store: s, Client: client.New(hqURL, token, client.Options{}), HQ: hqURL}, nil
}

// cmdSync syncs once; it fails (exit code 1) when the sync did.
func cmdSync(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_no_arguments", "Command", "sync")
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := newEngine(ctx, s)
	if err != nil {
		return err
	}
	if err := e.Sync(ctx); err != nil {
		return err
	}
	st := e.Status(ctx)
	fmt.Fprintf(stdout, "同步完成：待发送 %d 条，被总部拒绝 %d 条。\n", st.Pending, st.Refused)
	return nil
}

// cmdBundle writes or reads offline bundles.
func cmdBundle(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	usage := "kaohe --data DIR bundle export --out FILE | bundle import FILE"
	if len(args) == 0 {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", usage)
	}
	fs := flag.NewFlagSet("bundle "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "同步包文件 / bundle file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	switch {
	case args[0] == "export" && *out != "":
		var n int
		err := documents.WriteFile(*out, func(w io.Writer) error {
			var err error
			n, err = engine.ExportBundle(ctx, s, w)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已导出 %d 条未同步的变更到 %s，请交总部导入。\n", n, *out)
		return nil
	case args[0] == "import" && fs.NArg() == 1:
		return importFile(ctx, s, fs.Arg(0), stdout)
	}
	return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", usage)
}

func importFile(ctx context.Context, s *store.Store, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := engine.ImportBundle(ctx, s, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已导入总部同步包：%d 条新变更。\n", n)
	return nil
}
