package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/ui"
)

// cmdExcelExport writes one kind of spreadsheet without the window.
func (e *env) cmdExcelExport(kind string) func(fs *flag.FlagSet) cli.Run {
	return func(fs *flag.FlagSet) cli.Run {
		out := fs.String("out", "", "输出文件 / output file")
		var year *int
		var period *string
		switch kind {
		case "figures":
			year = fs.Int("year", today().Year, "年份 / year")
		case "assessments":
			period = fs.String("period", "", "考核期 ID / period id")
		}
		return func(ctx context.Context, args []string) error {
			name := "excel export " + kind
			if err := noArgs(name, args); err != nil {
				return err
			}
			if *out == "" {
				return cli.Usagef("kaohe "+name, "缺少 --out / --out is required")
			}
			if period != nil && *period == "" {
				return cli.Usagef("kaohe "+name, "缺少 --period / --period is required")
			}
			s, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			svc := service.New(s, e.backupDir())
			switch kind {
			case "roster":
				err = svc.ExportRoster(ctx, *out)
			case "figures":
				err = svc.ExportFigures(ctx, *year, *out)
			case "assessments":
				err = svc.ExportAssessments(ctx, *period, *out)
			}
			if err == nil {
				fmt.Fprintln(e.stdout, *out)
			}
			return err
		}
	}
}

// cmdExcelImport previews a spreadsheet row by row and saves the valid rows
// only with --yes.
func (e *env) cmdExcelImport(kind string) func(fs *flag.FlagSet) cli.Run {
	return func(fs *flag.FlagSet) cli.Run {
		yes := fs.Bool("yes", false, "确认导入（须 --user）/ save the valid rows (needs --user)")
		p := personFlags(fs)
		return func(ctx context.Context, args []string) error {
			if len(args) != 1 {
				return cli.Usagef("kaohe excel import "+kind, "请指定一个 Excel 文件 / name one spreadsheet")
			}
			s, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			svc := service.New(s, e.backupDir())
			var actor kaohe.Actor
			if *yes { // saving changes records: an account does it
				if actor, err = p.signIn(ctx, svc, "excel import "+kind); err != nil {
					return err
				}
			}
			var pv kaohe.ImportPreview
			if kind == "roster" {
				pv, err = svc.PreviewRoster(ctx, args[0])
			} else {
				pv, err = svc.PreviewActuals(ctx, args[0])
			}
			if err != nil {
				return err
			}
			for _, r := range pv.Rows {
				status := "可导入 ok"
				if r.Err != nil {
					status = "错误 " + ui.ErrorText(r.Err)
				}
				fmt.Fprintf(e.stdout, "第 %s 行\t%s\t%s\n", strconv.Itoa(r.Row), r.Summary, status)
			}
			fmt.Fprintf(e.stdout, "可导入 %d 行，有错误 %d 行。\n", pv.Valid, len(pv.Rows)-pv.Valid)
			if !*yes {
				svc.DropImport(pv.ID)
				fmt.Fprintln(e.stdout, "未保存：确认无误后加 --yes 再运行一次。")
				return nil
			}
			n, err := svc.ConfirmImport(ctx, actor, pv.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "已导入 %d 行。\n", n)
			return nil
		}
	}
}
