package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"kaohe/internal/documents"
	"kaohe/internal/kaohe"
)

const pdfUsage = `kaohe --data DIR pdf certificate --manager 工号 --out FILE
       kaohe --data DIR pdf report --manager 工号 [--period ID] --out FILE
       kaohe --data DIR pdf summary [--period ID] --out FILE
       kaohe --data DIR pdf application --manager 工号 --out FILE
       kaohe --data DIR pdf reports [--period ID] --dir DIR`

// cmdPDF makes a document without the window.
func cmdPDF(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", pdfUsage)
	}
	kind := args[0]
	fs := flag.NewFlagSet("pdf "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	manager := fs.String("manager", "", "客户经理工号 / employee number")
	period := fs.String("period", "", "考核期 ID，默认最近一期 / period id, default the latest")
	out := fs.String("out", "", "输出的 PDF 文件 / the PDF file to write")
	dir := fs.String("dir", "", "批量输出的文件夹 / folder for a batch")
	hq := fs.String("hq", "", "总部地址，用于证书二维码 / HQ address for certificate QR codes")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	needs := map[string][]string{
		"certificate": {"manager", "out"}, "report": {"manager", "out"}, "summary": {"out"},
		"application": {"manager", "out"}, "reports": {"dir"},
	}
	required, ok := needs[kind]
	if !ok {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", pdfUsage)
	}
	values := map[string]string{"manager": *manager, "out": *out, "dir": *dir}
	for _, r := range required {
		if values[r] == "" {
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", pdfUsage)
		}
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	m := &documents.Maker{Store: s, Lang: kaohe.Lang(g.lang), HQURL: *hq}
	write := func(f func(w io.Writer) error) error {
		if err := documents.WriteFile(*out, f); err != nil {
			return err
		}
		fmt.Fprintln(stdout, *out)
		return nil
	}
	switch kind {
	case "certificate":
		return write(func(w io.Writer) error { _, err := m.Certificate(ctx, w, cliActor(), *manager); return err })
	case "report":
		return write(func(w io.Writer) error { return m.Report(ctx, w, *manager, *period) })
	case "summary":
		return write(func(w io.Writer) error { return m.Summary(ctx, w, *period) })
	case "application":
		return write(func(w io.Writer) error { return m.Application(ctx, w, *manager) })
	}
	files, err := m.Reports(ctx, *dir, *period, func(done, total int) { fmt.Fprintf(stderr, "\r%d / %d", done, total) })
	fmt.Fprintln(stderr)
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	return err
}
