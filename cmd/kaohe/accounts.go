package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
)

// stdin is where --password-stdin reads; tests replace it.
var stdin io.Reader = os.Stdin

// Environment variables of the command line's sign-in.
const (
	envPassword    = "KAOHE_PASSWORD"     // the acting account's password
	envNewPassword = "KAOHE_NEW_PASSWORD" // a new account's password (account add, setup)
)

// person is how a command that changes records signs in: --user and the
// password from KAOHE_PASSWORD or the first line of standard input.
type person struct {
	user     *string
	pwStdin  *bool
	lines    []string // standard input's lines, read once
	readDone bool
}

func personFlags(fs *flag.FlagSet) *person {
	return &person{
		user:    fs.String("user", "", "以此工号的账号执行（密码取自 KAOHE_PASSWORD 或 --password-stdin）/ act as the account with this employee number"),
		pwStdin: fs.Bool("password-stdin", false, "从标准输入的第一行读密码 / read the password from the first line of standard input"),
	}
}

// line returns standard input's i-th line (from 0) when --password-stdin.
func (p *person) line(i int) string {
	if !p.readDone {
		p.readDone = true
		sc := bufio.NewScanner(stdin)
		for sc.Scan() && len(p.lines) < 2 {
			p.lines = append(p.lines, strings.TrimRight(sc.Text(), "\r"))
		}
	}
	if i < len(p.lines) {
		return p.lines[i]
	}
	return ""
}

func (p *person) password() string {
	if *p.pwStdin {
		return p.line(0)
	}
	return os.Getenv(envPassword)
}

// newPassword is a new account's password: standard input's i-th line with
// --password-stdin, else KAOHE_NEW_PASSWORD.
func (p *person) newPassword(i int) string {
	if *p.pwStdin {
		return p.line(i)
	}
	return os.Getenv(envNewPassword)
}

// signIn signs the command's account in, or refuses the command clearly.
func (p *person) signIn(ctx context.Context, svc *service.Service, cmd string) (kaohe.Actor, error) {
	if strings.TrimSpace(*p.user) == "" {
		return kaohe.Actor{}, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.cli_needs_user", "Command", "kaohe "+cmd)
	}
	pw := p.password()
	if pw == "" {
		return kaohe.Actor{}, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.cli_needs_password", "Command", "kaohe "+cmd)
	}
	return svc.Login(ctx, *p.user, pw)
}

// signInIfAccounts is signIn, except on an install with no account yet
// (a first run: restoring or enrolling before anyone is set up).
func (p *person) signInIfAccounts(ctx context.Context, svc *service.Service, cmd string) (kaohe.Actor, error) {
	if need, err := svc.NeedsSetup(ctx); err != nil || need {
		return kaohe.System("command line"), err
	}
	return p.signIn(ctx, svc, cmd)
}

func (e *env) service(ctx context.Context) (*service.Service, func(), error) {
	s, err := e.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	svc := service.New(s, e.backupDir())
	return svc, func() { svc.Store.Close() }, nil
}

// signedIn runs a command's work as its signed-in account: it opens the
// service, signs p in (refusing the command clearly when it cannot) and
// closes the service after fn.
func (e *env) signedIn(ctx context.Context, p *person, cmd string, fn func(svc *service.Service, a kaohe.Actor) error) error {
	svc, done, err := e.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	a, err := p.signIn(ctx, svc, cmd)
	if err != nil {
		return err
	}
	return fn(svc, a)
}

// cmdSetup makes the install's first account, the showroom manager's.
func (e *env) cmdSetup(fs *flag.FlagSet) cli.Run {
	name := fs.String("name", "", "展厅经理姓名 / the showroom manager's name")
	no := fs.String("employee-no", "", "工号 / employee number")
	pwStdin := fs.Bool("password-stdin", false, "从标准输入的第一行读密码（否则取 KAOHE_NEW_PASSWORD）/ read the password from standard input (else KAOHE_NEW_PASSWORD)")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("setup", args); err != nil {
			return err
		}
		if *name == "" || *no == "" {
			return cli.Usagef("kaohe setup", "需要 --name 和 --employee-no / --name and --employee-no are required")
		}
		pw := (&person{pwStdin: pwStdin}).newPassword(0)
		svc, done, err := e.service(ctx)
		if err != nil {
			return err
		}
		defer done()
		a, err := svc.Setup(ctx, *name, *no, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已创建%s账号 %s。\n", roleName(a.Role), a)
		return nil
	}
}

func roleName(r kaohe.Role) string {
	return map[kaohe.Role]string{kaohe.RoleShowroomManager: "展厅经理", kaohe.RoleClerk: "文员/人事", kaohe.RoleCustomerManager: "客户经理",
		kaohe.RoleReviewer: "评审", kaohe.RoleHQAdmin: "总部管理员"}[r]
}

// cmdAccountList lists the accounts (managers of accounts only).
func (e *env) cmdAccountList(fs *flag.FlagSet) cli.Run {
	p := personFlags(fs)
	return func(ctx context.Context, args []string) error {
		if err := noArgs("account list", args); err != nil {
			return err
		}
		return e.signedIn(ctx, p, "account list", func(svc *service.Service, a kaohe.Actor) error {
			as, err := svc.Accounts(ctx, a)
			if err != nil {
				return err
			}
			for _, x := range as {
				state := "启用 active"
				if !x.Active() {
					state = "停用 disabled"
				}
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", x.EmployeeNo, x.Name, x.Role, state)
			}
			return nil
		})
	}
}

// cmdAccountAdd adds an account; its password is KAOHE_NEW_PASSWORD, or
// the second line of standard input with --password-stdin.
func (e *env) cmdAccountAdd(fs *flag.FlagSet) cli.Run {
	p := personFlags(fs)
	name := fs.String("name", "", "姓名 / name")
	no := fs.String("employee-no", "", "工号 / employee number")
	role := fs.String("role", "", "角色 showroom_manager | clerk | customer_manager（总部：reviewer | hq_admin）/ role")
	return func(ctx context.Context, args []string) error {
		if err := noArgs("account add", args); err != nil {
			return err
		}
		return e.signedIn(ctx, p, "account add", func(svc *service.Service, a kaohe.Actor) error {
			acc, err := svc.SaveAccount(ctx, a, kaohe.Account{Name: *name, EmployeeNo: *no, Role: kaohe.Role(*role)}, p.newPassword(1))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "已添加账号 %s（%s）。\n", acc.Name+"（"+acc.EmployeeNo+"）", roleName(acc.Role))
			return nil
		})
	}
}

// cmdAccountDisable disables (or with --enable re-enables) an account.
func (e *env) cmdAccountDisable(fs *flag.FlagSet) cli.Run {
	p := personFlags(fs)
	enable := fs.Bool("enable", false, "重新启用 / enable again")
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			return cli.Usagef("kaohe account disable", "请指定一个工号 / name one employee number")
		}
		return e.signedIn(ctx, p, "account disable", func(svc *service.Service, a kaohe.Actor) error {
			as, err := svc.Accounts(ctx, a)
			if err != nil {
				return err
			}
			for _, x := range as {
				if kaohe.SameEmployeeNo(x.EmployeeNo, args[0]) {
					x.Disabled = !*enable
					if _, err := svc.SaveAccount(ctx, a, x, ""); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "账号 %s（%s）已%s。\n", x.Name, x.EmployeeNo, map[bool]string{true: "停用", false: "启用"}[x.Disabled])
					return nil
				}
			}
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "account", "Key", args[0])
		})
	}
}
