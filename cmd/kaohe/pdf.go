package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"kaohe/internal/cli"
	"kaohe/internal/documents"
)

// cmdPDF makes one kind of document without the window; each kind declares
// only the flags it uses.
func (e *env) cmdPDF(kind string) func(fs *flag.FlagSet) cli.Run {
	return func(fs *flag.FlagSet) cli.Run {
		var manager, period, out, dir, hq *string
		if kind != "summary" && kind != "reports" {
			manager = fs.String("manager", "", "客户经理工号 / employee number")
		}
		if kind == "report" || kind == "summary" || kind == "reports" {
			period = fs.String("period", "", "考核期 ID，默认最近一期 / period id, default the latest")
		}
		if kind == "reports" {
			dir = fs.String("dir", "", "输出的文件夹 / folder to write the reports to")
		} else {
			out = fs.String("out", "", "输出的 PDF 文件 / the PDF file to write")
		}
		if kind == "certificate" {
			hq = fs.String("hq", "", "总部公网地址，用于证书二维码（默认用总部发布的地址）/ HQ's public address for the certificate's QR code (default: the one HQ published)")
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		return func(ctx context.Context, args []string) error {
			name := "pdf " + kind
			if err := noArgs(name, args); err != nil {
				return err
			}
			for _, f := range []struct {
				flag string
				v    *string
			}{{"manager", manager}, {"out", out}, {"dir", dir}} {
				if f.v != nil && *f.v == "" {
					return cli.Usagef("kaohe "+name, "缺少 --%s / --%s is required", f.flag, f.flag)
				}
			}
			s, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			m := &documents.Maker{Store: s, Lang: e.language(), PublicURL: str(hq)}
			write := func(f func(w io.Writer) error) error {
				if err := documents.WriteFile(*out, f); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, *out)
				return nil
			}
			switch kind {
			case "certificate":
				return write(func(w io.Writer) error { _, err := m.Certificate(ctx, w, noAccount, *manager); return err })
			case "report":
				return write(func(w io.Writer) error { return m.Report(ctx, w, *manager, *period) })
			case "summary":
				return write(func(w io.Writer) error { return m.Summary(ctx, w, *period) })
			case "application":
				return write(func(w io.Writer) error { return m.Application(ctx, w, *manager) })
			}
			p := cli.NewProgress(e.stderr)
			files, err := m.Reports(ctx, *dir, *period, p.Show)
			p.Done()
			for _, f := range files {
				fmt.Fprintln(e.stdout, f)
			}
			return err
		}
	}
}
