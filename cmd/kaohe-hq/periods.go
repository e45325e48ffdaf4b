package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
)

// cmdPeriodAdd publishes the standard assessment periods of a year (or of
// years up to --to), earlier ones too: a showroom's assessments of them
// wait until HQ publishes them, then come in at its next sync.
func (e *env) cmdPeriodAdd(fs *flag.FlagSet) cli.Run {
	year := fs.Int("year", 0, "年份 / year")
	to := fs.Int("to", 0, "至此年份（含），默认同 --year / up to this year, default --year")
	kind := fs.String("kind", "", "只发布此类：half、quarter、month、year；默认半年、季度和月度 / only this kind; default half-years, quarters and months")
	index := fs.Int("index", 0, "只发布第几个（如 --kind half --index 1 为上半年）/ only this one (--kind half --index 1: the first half)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("period add", args); err != nil {
			return err
		}
		if *year == 0 {
			return cli.Usagef("kaohe-hq period add", "缺少 --year / --year is required")
		}
		last := max(*to, *year)
		if last-*year > 50 {
			return cli.Usagef("kaohe-hq period add", "--to 最多比 --year 晚 50 年 / --to at most 50 years after --year")
		}
		if *index != 0 && *kind == "" {
			return cli.Usagef("kaohe-hq period add", "--index 需要 --kind / --index needs --kind")
		}
		var ps []kaohe.Period
		for y := *year; y <= last; y++ {
			if *index != 0 {
				p, err := kaohe.StandardPeriod(kaohe.PeriodKind(*kind), y, *index)
				if err != nil {
					return err
				}
				ps = append(ps, p)
				continue
			}
			some, err := kaohe.PeriodsOf(y, kaohe.PeriodKind(*kind))
			if err != nil {
				return err
			}
			ps = append(ps, some...)
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		added, err := s.PublishPeriods(ctx, ps)
		if err != nil {
			return err
		}
		names := make([]string, len(added))
		for i, p := range added {
			names[i] = p.Name.Zh
		}
		fmt.Fprintf(e.stdout, "已发布 %d 个考核期，各展厅下次同步时收到；已有的 %d 个未改动。\n", len(added), len(ps)-len(added))
		if len(names) > 0 {
			fmt.Fprintln(e.stdout, strings.Join(names, "、"))
		}
		return nil
	}
}

// cmdPeriodList lists the assessment periods HQ publishes, retired ones
// marked.
func (e *env) cmdPeriodList(fs *flag.FlagSet) cli.Run {
	return func(ctx context.Context, args []string) error {
		if err := noArgs("period list", args); err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		list, err := s.Periods(ctx)
		if err != nil {
			return err
		}
		for _, p := range list {
			state := "有效"
			if p.Retired {
				state = "已停用"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name.Zh, p.Start, p.End, state)
		}
		return nil
	}
}
