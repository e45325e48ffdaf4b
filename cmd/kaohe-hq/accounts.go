package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
)

// hqCLIActor names the HQ server's command line in the records it writes:
// the server has no sign-in of its own (HQ's people sign in to HQ mode).
const hqCLIActor = "kaohe-hq"

func (e *env) cmdAccountList(fs *flag.FlagSet) cli.Run {
	code := fs.String("showroom", "", "展厅代码 / showroom code")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("account list", args); err != nil {
			return err
		}
		if *code == "" {
			return cli.Usagef("kaohe-hq account list", "需要 --showroom / --showroom is required")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		as, err := s.ShowroomAccounts(ctx, *code)
		if err != nil {
			return err
		}
		for _, a := range as {
			state := "启用 / active"
			switch {
			case a.BlockedByHQ:
				state = "总部停用 / disabled by HQ"
				if a.BlockReason != "" {
					state += "：" + a.BlockReason
				}
			case a.Disabled:
				state = "展厅停用 / disabled by the showroom"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", a.EmployeeNo, a.Name, a.Role, state)
		}
		return nil
	}
}

func (e *env) cmdAccountBlock(block bool) func(fs *flag.FlagSet) cli.Run {
	name := map[bool]string{true: "account disable", false: "account enable"}[block]
	return func(fs *flag.FlagSet) cli.Run {
		code := fs.String("showroom", "", "展厅代码 / showroom code")
		no := fs.String("employee-no", "", "工号 / employee number")
		var reason *string
		if block {
			reason = fs.String("reason", "", "原因 / reason")
		}
		return func(ctx context.Context, args []string) error {
			if err := noArgs(name, args); err != nil {
				return err
			}
			if *code == "" || *no == "" {
				return cli.Usagef("kaohe-hq "+name, "需要 --showroom 和 --employee-no / --showroom and --employee-no are required")
			}
			s, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			why := ""
			if reason != nil {
				why = *reason
			}
			a, err := s.BlockAccount(ctx, *code, *no, block, why, hqCLIActor)
			if err != nil {
				return err
			}
			what := map[bool]string{true: "已由总部停用，展厅下次同步后不能登录 / disabled by HQ from the showroom's next sync", false: "已由总部重新启用 / enabled again by HQ"}[block]
			fmt.Fprintf(e.stdout, "%s %s（%s）%s\n", *code, a.Name, a.EmployeeNo, what)
			return nil
		}
	}
}

func (e *env) cmdAudit(fs *flag.FlagSet) cli.Run {
	code := fs.String("showroom", "", "展厅代码（不填：全部）/ showroom code (none: all)")
	since := fs.String("since", "", "自此日期起（YYYY-MM-DD）/ from this date")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("audit", args); err != nil {
			return err
		}
		from := ""
		if *since != "" {
			d, err := time.Parse("2006-01-02", strings.TrimSpace(*since))
			if err != nil {
				return cli.Usagef("kaohe-hq audit", "--since 须为 YYYY-MM-DD / --since must be YYYY-MM-DD: %q", *since)
			}
			from = d.Format("2006-01-02")
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		lines, err := s.Audit(ctx, *code, from, 0)
		if err != nil {
			return err
		}
		for _, l := range lines {
			// Where the change came from, by the credential that sent it:
			// a showroom names whom it likes in "by", so HQ's own lines
			// must not look like a showroom's.
			where := l.Showroom
			if l.Origin != hq.KindShowroom {
				where = "总部"
				if l.Showroom != "" {
					where += "→" + l.Showroom
				}
			}
			by := l.By
			if by == "" {
				by = "（未记录 / not recorded）"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\t%s\n", l.At, where, by, l.Entity, l.Op, l.RowID)
		}
		return nil
	}
}

// cmdLevelSet records the level a manager held before the system (定级),
// by HQ: one level change a step, each checked by kaohe.CheckLevelDecision
// (the level above the current one, in use, named and dated, not ahead of
// HQ's day); the showroom gets them as HQ's level changes at its next sync.
func (e *env) cmdLevelSet(fs *flag.FlagSet) cli.Run {
	code := fs.String("showroom", "", "展厅代码 / showroom code")
	no := fs.String("employee-no", "", "工号 / employee number")
	level := fs.Int("level", 0, "等级（2–5）/ the level (2-5)")
	date := fs.String("date", "", "定级日期 YYYY-MM-DD / the day it was set")
	by := fs.String("decided-by", "", "决定人 / who decided")
	reason := fs.String("reason", "总部定级（原有等级）", "原因 / reason")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("level set", args); err != nil {
			return err
		}
		if *code == "" || *no == "" || *level == 0 || *date == "" || *by == "" {
			return cli.Usagef("kaohe-hq level set", "需要 --showroom、--employee-no、--level、--date 和 --decided-by / --showroom, --employee-no, --level, --date and --decided-by are required")
		}
		on, err := kaohe.ParseDate(*date)
		if err != nil {
			return err
		}
		s, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		m, err := s.ManagerByNo(ctx, *code, *no)
		if err != nil {
			return err
		}
		h, err := s.LevelHistory(ctx, m.ID)
		if err != nil {
			return err
		}
		cur, to := kaohe.CurrentLevel(h), kaohe.Level(*level)
		if to <= cur {
			return kaohe.Errorf(kaohe.ECONFLICT, "err.level_from_mismatch", "From", int(to), "Current", int(cur))
		}
		var steps []kaohe.LevelChange // all of them or none
		for l := cur + 1; l <= to; l++ {
			steps = append(steps, kaohe.LevelChange{ManagerID: m.ID, From: l - 1, To: l, Date: on, Reason: *reason, DecidedBy: *by})
		}
		if _, err := s.RecordLevels(ctx, steps); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s（%s）：%d 级 → %d 级，展厅下次同步后生效 / level %d -> %d from the showroom's next sync\n",
			*code, m.Name, m.EmployeeNo, int(cur), int(to), int(cur), int(to))
		return nil
	}
}
