#!/bin/bash
# bench-window-rss.sh: the real window's memory, as docs/BENCHMARKS.md reports it.
#
#   scripts/bench-window-rss.sh [-m MANAGERS] [-q] [-w WORKDIR] [-b BINARY] [-s SCREENSHOTS] [-g] [-p PREFIX]
#
# Builds bin/kaohe from this checkout (or takes -b), takes the seeded
# database (a showroom of MANAGERS managers, default 10,000; with -q HQ mode's
# replica of 500 showrooms x 20 managers) from the benchmarks' cache
# (KAOHE_BENCH_DIR, default $TMPDIR/kaohe-bench, filled by the ui package's
# window benchmarks) or seeds it with `kaohe demo --managers N`, copies it into
# a fresh data folder, starts Xvfb and the program on it with its own
# XDG_CONFIG_HOME, signs in with xdotool and then, as a person would: visits
# every screen (a click on its tab), types in the managers' search box, opens
# a training's attendance, scrolls the big tables, and visits every screen
# again. Each click waits until the program has handled the input sent before
# (settle: the tab under the pointer lights up), so a click queued behind a
# thousand wheel notches is neither taken for lost nor sent twice. After each step, once the program
# has gone quiet (under 5 % of a core for a second), it reads VmRSS and VmHWM (and
# their parts) from /proc and prints one line; the last lines are the peak
# and the end. With -s, a screenshot per step goes into that folder.
# -g runs the program with GODEBUG=gctrace=1 (its log, WORKDIR/kaohe.out,
# then says the Go heap at every collection); -p writes the program's live
# heap after each pass to PREFIX.1, PREFIX.2 (KAOHE_HEAP_PROFILE; read with
# go tool pprof BINARY PREFIX.2). The environment passes on: GOMEMLIMIT or
# GOGC set here apply to the program. Stops what it started.
set -euo pipefail
managers=10000 hq="" work="" bin="" shots="" gctrace="" heap=""
while getopts "m:qw:b:s:gp:" o; do
	case $o in
	m) managers=$OPTARG ;;
	q) hq=1 ;;
	w) work=$OPTARG ;;
	b) bin=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	s) shots=$OPTARG ;;
	g) gctrace=1 ;;
	p) heap=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	*) sed -n 2,25p "$0"; exit 2 ;;
	esac
done
for tool in Xvfb xdotool convert; do
	command -v $tool > /dev/null || { echo "$tool is missing (make deps installs it)" >&2; exit 2; }
done
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$work" ] || work=$(mktemp -d -t kaohe-bench-rss.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ -z "$shots" ] || { mkdir -p "$shots"; shots=$(cd "$shots" && pwd); }
if [ -z "$bin" ]; then
	bin=$work/bin/kaohe
	(cd "$repo" && go build -tags no_emoji -o "$bin" ./cmd/kaohe) # the Makefile's build
fi
schema=$("$bin" version | awk '{print $NF}')
cache=${KAOHE_BENCH_DIR:-${TMPDIR:-/tmp}/kaohe-bench}
if [ -n "$hq" ]; then
	name=hq-500 user=H002 password=reviewer-pw
else
	name=managers-$managers user=D001 password=manager-demo
fi
data=$work/data
rm -rf "$data" "$work/config"
mkdir -p "$data" "$work/config"
seeded=$cache/$name-schema$schema-demo2/kaohe.db
if [ -f "$seeded" ] && [ -f "$(dirname "$seeded")/seeded" ]; then
	cp "$seeded" "$data/kaohe.db"
elif [ -n "$hq" ]; then
	echo "no HQ replica in $cache: build it once with" >&2
	echo "  go test -run XXX -bench '^BenchmarkWindowHQ\$' -benchtime 1x -timeout 60m ./ui/" >&2
	exit 2
else
	echo "# seeding $managers managers (10,000: several minutes)" >&2
	"$bin" --data "$data" demo --managers "$managers" > "$work/demo.out"
fi

display=:$((200 + RANDOM % 700))
while [ -e "/tmp/.X11-unix/X${display#:}" ]; do display=:$((200 + RANDOM % 700)); done
# Screenshots are read from the screen's memory (-fbdir), not through the X
# server: no client but the program and xdotool talks to it.
Xvfb "$display" -screen 0 1280x860x24 -nolisten tcp -fbdir "$work" > "$work/xvfb.log" 2>&1 &
xpid=$!
app=""
cleanup() {
	[ -z "$app" ] || kill "$app" 2> /dev/null || true
	kill "$xpid" 2> /dev/null || true
}
trap cleanup EXIT
export DISPLAY=$display XDG_CONFIG_HOME=$work/config
for _ in $(seq 1 300); do # the X server is up once it answers
	xdotool getmouselocation > /dev/null 2>&1 && break
	sleep 0.1
done

hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$app/stat"; }
field() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$app/status"; }
# quiet waits until the program used under 5 % of a core for a second (its
# work, the background reads and the painting done; a focused field's cursor
# still blinks), at most $1 seconds.
quiet() {
	local limit=${1:-120} a b
	a=$(cpu)
	for _ in $(seq 1 "$limit"); do
		sleep 1
		b=$(cpu)
		[ $((b - a)) -le $((hz / 20)) ] && return 0
		a=$b
	done
	echo "# still busy after ${limit} s" >&2
}
n=0
step() { # name: prints one line of figures, after a screenshot
	quiet "${2:-120}"
	n=$((n + 1))
	[ -z "$shots" ] || convert "xwd:$work/Xvfb_screen0" "$shots/$(printf %02d $n)-$1.png"
	printf '%-22s %6s %6s %7s %7s %7s %6s\n' "$1" "$(field VmRSS)" "$(field VmHWM)" "$(field RssAnon)" \
		"$(field RssFile)" "$(awk '$1 == "Threads:" {print $2}' "/proc/$app/status")" "$(awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$app/stat")"
}

echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg), $name, schema $schema, display $display" >&2
echo "# work dir $work" >&2
env=()
[ -z "$gctrace" ] || env+=(GODEBUG=gctrace=1)
[ -z "$heap" ] || env+=(KAOHE_HEAP_PROFILE="$heap")
env ${env[@]+"${env[@]}"} "$bin" --data "$data" > "$work/kaohe.out" 2>&1 &
app=$!
win=""
for _ in $(seq 1 600); do
	win=$(xdotool search --name '客户经理考核' 2> /dev/null | head -1 || true)
	[ -n "$win" ] && break
	kill -0 "$app" 2> /dev/null || { cat "$work/kaohe.out" >&2; exit 1; }
	sleep 0.2
done
[ -n "$win" ] || { echo "no window" >&2; exit 1; }
printf '%-22s %6s %6s %7s %7s %7s %6s\n' step "RSS MB" "HWM MB" "anon MB" "file MB" threads "CPU s"
step sign-in
xdotool type --delay 50 "$user"
xdotool key Tab
xdotool type --delay 50 "$password"
xdotool key Return
step first-screen 300

# The screens are the tabs down the left side of the 1280x800 window, one
# every 36.4 pixels from y=62 (12 in a showroom; 7 for HQ's reviewer H002).
tabs=12
[ -z "$hq" ] || tabs=7
taby() { echo $((62 + ($1 - 1) * 364 / 10)); }
# selected: the tab's title is drawn in the accent red once it is chosen.
selected() {
	[ "$(convert "xwd:$work/Xvfb_screen0" -crop "80x24+3+$(($(taby "$1") - 12))" -fx '(r > 0.5 && g < 0.3) ? 1 : 0' -format '%[fx:mean > 0.02]' info:)" = 1 ]
}
# lit: the tab's background is lit, as under the pointer (a strip above its
# title: 0.15 lit, 0.09 not).
lit() {
	[ "$(convert "xwd:$work/Xvfb_screen0" -crop "60x4+10+$(($(taby "$1") - 15))" -format '%[fx:mean > 0.12]' info:)" = 1 ]
}
# settle is a barrier: the program handles its input in order, and after the
# wheel (1,500 notches over a 10,000-row table, ~17 ms of CPU each) it can be
# minutes behind on a loaded machine. A click sent then is not lost, it waits
# behind them, and every check that gave up on it (and clicked again) made
# the walk wrong. So: point at nothing, then at tab $1, and wait until the tab
# lights up under the pointer: everything sent before has been handled.
settle() {
	local i=${1:-1} t0=$SECONDS
	xdotool mouseup 1 # the window may believe a button is still held (seen right after the sign-in)
	xdotool mousemove 640 20
	for _ in $(seq 1 1800); do lit "$i" || break; sleep 0.5; done
	xdotool mousemove 43 "$(taby "$i")"
	for _ in $(seq 1 1800); do
		if lit "$i"; then
			[ $((SECONDS - t0)) -lt 10 ] || echo "# the program caught up with its input after $((SECONDS - t0)) s" >&2
			return 0
		fi
		sleep 0.5
	done
	echo "# the program did not handle the pointer within 900 s" >&2
	return 1
}
shown=1 # the tab chosen
# click: at x y once the program has handled everything before.
click() {
	settle "$shown"
	xdotool mousemove "$1" "$2"
	sleep 0.5
	xdotool click 1
}
tab() { # chooses the i-th tab: a click, and a wait until it shows as chosen
	local try k
	for try in 1 2 3; do
		settle "$1"
		if selected "$1"; then # chosen already, or by a click that was slow to be handled
			shown=$1
			return 0
		fi
		[ "$try" = 1 ] || echo "# tab $1: click $try (the program handled the last one without choosing it)" >&2
		xdotool click 1
		for k in $(seq 1 120); do
			selected "$1" && { shown=$1; return 0; }
			sleep 0.5
		done
	done
	echo "# tab $1 not chosen after 3 clicks" >&2
}
visit() {
	local i
	for i in $(seq 1 $tabs); do
		tab "$i"
		step "$1-screen-$i"
	done
}
# scroll: the mouse wheel over the middle of the screen's table, then a wait
# until the program has handled every notch.
scroll() {
	xdotool mousemove 700 500
	for _ in $(seq 1 "$1"); do xdotool click --repeat 10 --delay 20 5; done
	settle "$shown"
}
search() { # the search box along the top of the table
	click 400 100
	for k in D 0 0 1; do xdotool type --delay 100 "$k"; sleep 0.3; done
	step "$1-search-D001"
	for _ in 1 2 3 4; do xdotool key BackSpace; sleep 0.3; done
	for k in 1 3 7; do xdotool type --delay 100 "$k"; sleep 0.3; done # a phone number's start
	step "$1-search-137"
	for _ in 1 2 3; do xdotool key BackSpace; sleep 0.3; done
}
visit pass1
[ -z "$heap" ] || kill -USR1 "$app"
if [ -z "$hq" ]; then
	tab 2
	search managers
	scroll 150
	step managers-scrolled
	tab 6 # training: the first session's attendance (its title: x=200 is the column divider)
	click 285 174
	step training-attendance
	scroll 100
	step training-scrolled
	tab 7
	scroll 100
	step rewards-scrolled
else
	tab 4 # 各展厅客户经理
	search all-managers
	scroll 100
	step all-managers-scrolled
	tab 1
	scroll 100
	step review-scrolled
	tab 2
	scroll 100
	step filing-scrolled
fi
visit pass2
[ -z "$heap" ] || { kill -USR1 "$app"; sleep 5; }
printf '%-22s %6s\n' peak "$(field VmHWM)"
