package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/ui"
)

const excelUsage = `kaohe --data DIR excel export roster --out FILE.xlsx
       kaohe --data DIR excel export figures --year 2026 --out FILE.xlsx
       kaohe --data DIR excel export assessments --period 2026-H1 --out FILE.xlsx
       kaohe --data DIR excel import roster|actuals FILE.xlsx [--yes]`

// cmdExcel exports and imports spreadsheets without the window. An import
// prints its row-by-row preview and saves only with --yes.
func cmdExcel(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", excelUsage)
	}
	verb, kind := args[0], args[1]
	fs := flag.NewFlagSet("excel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "输出文件 / output file")
	year := fs.Int("year", today().Year, "年份 / year")
	period := fs.String("period", "", "考核期 ID / period id")
	yes := fs.Bool("yes", false, "确认导入 / save the valid rows")
	// Flags may come before or after the file name.
	var files []string
	rest := args[2:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	s, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := service.New(s, backupDir(g))
	switch {
	case verb == "export" && *out != "":
		switch kind {
		case "roster":
			err = svc.ExportRoster(ctx, *out)
		case "figures":
			err = svc.ExportFigures(ctx, *year, *out)
		case "assessments":
			if *period == "" {
				return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", excelUsage)
			}
			err = svc.ExportAssessments(ctx, *period, *out)
		default:
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", excelUsage)
		}
		if err == nil {
			fmt.Fprintln(stdout, *out)
		}
		return err
	case verb == "import" && len(files) == 1:
		var p kaohe.ImportPreview
		switch kind {
		case "roster":
			p, err = svc.PreviewRoster(ctx, files[0])
		case "actuals":
			p, err = svc.PreviewActuals(ctx, files[0])
		default:
			return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", excelUsage)
		}
		if err != nil {
			return err
		}
		for _, r := range p.Rows {
			status := "可导入 ok"
			if r.Err != nil {
				status = "错误 " + ui.ErrorText(r.Err)
			}
			fmt.Fprintf(stdout, "第 %s 行\t%s\t%s\n", strconv.Itoa(r.Row), r.Summary, status)
		}
		fmt.Fprintf(stdout, "可导入 %d 行，有错误 %d 行。\n", p.Valid, len(p.Rows)-p.Valid)
		if !*yes {
			svc.DropImport(p.ID)
			fmt.Fprintln(stdout, "未保存：确认无误后加 --yes 再运行一次。")
			return nil
		}
		n, err := svc.ConfirmImport(ctx, cliActor(), p.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已导入 %d 行。\n", n)
		return nil
	}
	return kaohe.Errorf(kaohe.EINVALID, "err.cli_usage", "Usage", excelUsage)
}
