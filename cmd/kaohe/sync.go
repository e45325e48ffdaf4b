package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"kaohe/internal/cli"
	"kaohe/internal/documents"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/client"
	"kaohe/sync/engine"
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
func (e *env) cmdSync(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("sync", args); err != nil {
			return err
		}
		s, err := e.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		en, err := newEngine(ctx, s)
		if err != nil {
			return err
		}
		if err := en.Sync(ctx); err != nil {
			return err
		}
		st := en.Status(ctx)
		fmt.Fprintf(e.stdout, "同步完成：待发送 %d 条，被总部拒绝 %d 条。\n", st.Pending, st.Refused)
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
		s, err := e.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		return importFile(ctx, s, args[0], e.stdout)
	}
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
