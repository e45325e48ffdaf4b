// Package cli is the command-line frame of kaohe and kaohe-hq: a table of
// commands, each with its own flag set, so `PROGRAM --help` and
// `PROGRAM COMMAND --help` show only what applies and exit 0, and a wrong
// flag or command is one line on stderr with exit code 2.
//
// Adding a command is one row in the program's table and one function that
// declares its flags on the FlagSet it is given and returns what to run:
//
//	{Name: "showroom reissue", Args: "--code CODE", Summary: "重发注册码 / new enrollment code", Setup: e.showroomReissue},
//
//	func (e *env) showroomReissue(fs *flag.FlagSet) cli.Run {
//		code := fs.String("code", "", "展厅代码 / showroom code")
//		return func(ctx context.Context, args []string) error { … *code … }
//	}
//
// Flags may come before or after positional arguments; "--" ends the flags.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Run does a command's work once its flags are parsed; args are its
// positional arguments.
type Run func(ctx context.Context, args []string) error

// Command is one row of a program's command table.
type Command struct {
	// Name is the words after the program name: "demo", "showroom add".
	Name string
	// Args is the rest of the usage line: positional arguments and the
	// flags that matter most, e.g. "--code CODE [--region REGION]".
	Args string
	// Summary is one line, "中文 / English".
	Summary string
	// Setup declares the command's flags on fs and returns its Run; it
	// does nothing else (help calls it only to list the flags).
	Setup func(fs *flag.FlagSet) Run
}

// Program is a command-line program: its flags, its commands, and what it
// does without a command.
type Program struct {
	Name  string // "kaohe"
	Intro string // first lines of --help
	// Globals declares flags every command accepts, before or after the
	// command name (kaohe's --data, kaohe-hq's --db). Called once per flag
	// set, so it must bind the same variables each time.
	Globals func(fs *flag.FlagSet)
	// Flags declares flags only the program itself takes, without a
	// command (the window's --demo).
	Flags func(fs *flag.FlagSet)
	// Before runs after all flags are parsed and before any command (sets
	// the language); may be nil.
	Before func() error
	// Default runs when no command is given; nil prints the help.
	Default  func(ctx context.Context) error
	Commands []Command

	ranDefault bool
}

// RanDefault reports whether the last Run went for the program without a
// command (kaohe's window): its flags parsed, Before and Default called.
// Its errors belong to someone who may have double-clicked the program.
func (p *Program) RanDefault() bool { return p.ranDefault }

// UsageError is a mistake in the command line itself: an unknown command or
// flag, a missing argument. Its text is one line to print as it is; the
// program exits with code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef makes a UsageError for cmd ("kaohe pdf report") that points to its
// --help.
func Usagef(cmd, format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf("%s：%s（%s --help 查看用法 / shows the usage）", cmd, fmt.Sprintf(format, a...), cmd)}
}

// ExitCode is the process exit code for what Run returned: 0 for nil, 2 for
// a usage error, 1 otherwise.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// Run parses args and runs the command they name. Help goes to stdout. An
// error is returned, not printed (the caller prints it and exits with
// ExitCode); only a command group named without its subcommand lists the
// group's commands on stderr first.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p.ranDefault = false
	top := quietFlagSet(p.Name)
	if p.Globals != nil {
		p.Globals(top)
	}
	var globals []*flag.Flag
	top.VisitAll(func(f *flag.Flag) { globals = append(globals, f) })
	if p.Flags != nil {
		p.Flags(top)
	}
	h := helper{p: p, top: top, globals: globals}
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			h.help(stdout)
			return nil
		}
		return Usagef(p.Name, "%s", flagProblem(err))
	}
	words := top.Args()
	p.ranDefault = len(words) == 0 && p.Default != nil
	if len(words) == 0 {
		if err := p.before(); err != nil {
			return err
		}
		if p.Default == nil {
			h.help(stdout)
			return nil
		}
		return p.Default(ctx)
	}
	if words[0] == "help" {
		if c, _ := p.lookup(words[1:]); c != nil {
			h.commandHelp(stdout, c)
		} else if group := p.group(words[1:]); len(group) > 0 {
			h.groupHelp(stdout, strings.Join(words[1:], " "), group)
		} else if len(words) > 1 {
			return Usagef(p.Name, "未知命令 / unknown command %q", strings.Join(words[1:], " "))
		} else {
			h.help(stdout)
		}
		return nil
	}
	c, rest := p.lookup(words)
	if c == nil {
		for prefix := leadingWords(words); len(prefix) > 0; prefix = prefix[:len(prefix)-1] {
			group := p.group(prefix)
			if len(group) == 0 {
				continue
			}
			name := strings.Join(prefix, " ")
			if len(words) > len(prefix) && isHelp(words[len(prefix)]) {
				h.groupHelp(stdout, name, group)
				return nil
			}
			h.groupHelp(stderr, name, group)
			if len(words) > len(prefix) && !strings.HasPrefix(words[len(prefix)], "-") {
				return Usagef(p.Name+" "+name, "未知命令 / unknown command %q", words[len(prefix)])
			}
			return Usagef(p.Name+" "+name, "请指定子命令 / name one of the commands above")
		}
		return Usagef(p.Name, "未知命令 / unknown command %q", words[0])
	}
	name := p.Name + " " + c.Name
	fs := quietFlagSet(name)
	run := c.Setup(fs)
	for _, g := range globals { // the same variables: a global may follow the command
		fs.Var(g.Value, g.Name, g.Usage)
	}
	pos, err := Parse(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		h.commandHelp(stdout, c)
		return nil
	}
	if err != nil {
		return Usagef(name, "%s", flagProblem(err))
	}
	if err := p.before(); err != nil {
		return err
	}
	return run(ctx, pos)
}

func (p *Program) before() error {
	if p.Before == nil {
		return nil
	}
	return p.Before()
}

// quietFlagSet is a FlagSet that prints nothing: Run reports its errors in
// one line and prints help itself.
func quietFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// Parse parses fs from args, letting flags follow positional arguments, and
// returns the positional arguments. After "--" everything is positional.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		if used := len(args) - fs.NArg(); used > 0 && args[used-1] == "--" {
			return append(pos, fs.Args()...), nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// lookup finds the command named by the longest run of leading words.
func (p *Program) lookup(words []string) (*Command, []string) {
	var best *Command
	n := 0
	for i := range p.Commands {
		c := &p.Commands[i]
		parts := strings.Fields(c.Name)
		if len(parts) > len(words) || len(parts) <= n {
			continue
		}
		if strings.Join(words[:len(parts)], " ") == c.Name {
			best, n = c, len(parts)
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, words[n:]
}

// group lists the commands whose names start with the words given.
func (p *Program) group(words []string) []Command {
	if len(words) == 0 {
		return nil
	}
	prefix := strings.Join(words, " ") + " "
	var out []Command
	for _, c := range p.Commands {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// leadingWords are the words before the first flag.
func leadingWords(words []string) []string {
	for i, w := range words {
		if strings.HasPrefix(w, "-") {
			return words[:i]
		}
	}
	return words
}

func isHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

// helper prints help: the program's, a group's, a command's.
type helper struct {
	p       *Program
	top     *flag.FlagSet
	globals []*flag.Flag
}

func (h helper) help(w io.Writer) {
	p := h.p
	fmt.Fprint(w, p.Intro)
	fmt.Fprint(w, "\n命令 / commands:\n")
	for _, c := range p.Commands {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace(p.Name+" "+c.Name+" "+c.Args), c.Summary)
	}
	fmt.Fprintf(w, "\n%s COMMAND --help 查看命令的选项 / shows a command's flags\n", p.Name)
	if h.top != nil && hasFlags(h.top) {
		fmt.Fprint(w, "\n选项 / flags:\n")
		printFlags(w, h.top)
	}
}

func (h helper) groupHelp(w io.Writer, name string, cmds []Command) {
	fmt.Fprintf(w, "%s %s:\n", h.p.Name, name)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace(h.p.Name+" "+c.Name+" "+c.Args), c.Summary)
	}
}

func (h helper) commandHelp(w io.Writer, c *Command) {
	fmt.Fprintf(w, "用法 / usage: %s\n  %s\n", strings.TrimSpace(h.p.Name+" "+c.Name+" "+c.Args), c.Summary)
	fs := flag.NewFlagSet(h.p.Name+" "+c.Name, flag.ContinueOnError)
	c.Setup(fs) // declares the flags only; the Run it returns is dropped
	if hasFlags(fs) {
		fmt.Fprint(w, "\n选项 / flags:\n")
		printFlags(w, fs)
	}
	if len(h.globals) > 0 {
		g := flag.NewFlagSet("", flag.ContinueOnError)
		for _, f := range h.globals {
			g.Var(f.Value, f.Name, f.Usage)
			g.Lookup(f.Name).DefValue = f.DefValue
		}
		fmt.Fprint(w, "\n全局选项 / global flags:\n")
		printFlags(w, g)
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// printFlags lists fs's flags with two dashes, as people type them.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	for _, n := range names {
		f := fs.Lookup(n)
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		line += "\n      " + usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			line += fmt.Sprintf("（默认 / default %s）", f.DefValue)
		}
		fmt.Fprintln(w, line)
	}
}

// flagProblem says a flag package error in both languages.
func flagProblem(err error) string {
	s := err.Error()
	for _, m := range []struct{ prefix, say string }{
		{"flag provided but not defined: ", "未知选项 / unknown flag "},
		{"flag needs an argument: ", "选项缺少值 / flag needs a value: "},
	} {
		if rest, ok := strings.CutPrefix(s, m.prefix); ok {
			return m.say + "--" + strings.TrimLeft(rest, "-")
		}
	}
	if strings.HasPrefix(s, "invalid ") {
		return "选项的值不对 / " + s
	}
	return s
}

// IsTerminal reports whether w is a terminal (a character device), where
// progress may redraw a line.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Progress redraws "done / total" on one line of w when w is a terminal;
// elsewhere (a pipe, a file) it prints nothing, so only the result is left.
type Progress struct {
	w    io.Writer
	last int // width of the last line drawn
}

// NewProgress returns a Progress on w, or nil when w is not a terminal; a
// nil *Progress does nothing.
func NewProgress(w io.Writer) *Progress {
	if !IsTerminal(w) {
		return nil
	}
	return &Progress{w: w}
}

// Show draws done / total over the previous line.
func (p *Progress) Show(done, total int) {
	if p == nil {
		return
	}
	s := fmt.Sprintf("%d / %d", done, total)
	pad := ""
	if len(s) < p.last {
		pad = strings.Repeat(" ", p.last-len(s))
	}
	fmt.Fprint(p.w, "\r"+s+pad)
	p.last = len(s)
}

// Done clears the progress line.
func (p *Progress) Done() {
	if p == nil || p.last == 0 {
		return
	}
	fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.last)+"\r")
	p.last = 0
}
