#!/bin/bash
# bench-sync.sh: the two-process sync benchmark of docs/BENCHMARKS.md.
#
#   scripts/bench-sync.sh [-r ROUNDS] [-m MANAGERS] [-w WORKDIR] [-b BINDIR] [-t TAG] [-p PROFDIR] [POUCH_DIR]
#
# Each round: a fresh HQ database served by `kaohe-hq serve` on loopback, a
# fresh copy of the demo showroom (MANAGERS managers, default 1,450: about
# 98,500 changes), enrollment, then `kaohe sync` timed, with the server's CPU
# read from /proc/PID/stat and the client's from time(1). With POUCH_DIR (a
# copy of the PouchDB anchor with its node_modules installed: npm install in
# it), each round is followed by PouchDB replicating 100,000 documents to
# pouchdb-server on the same machine, so the two alternate in one run.
# With -b, the kaohe and kaohe-hq of BINDIR are measured instead of a build
# of this checkout (to compare two builds in one run, alternate calls with
# the same -w, each with its own -t). With -p, `kaohe-hq serve` and
# `kaohe sync` write CPU profiles of each round to PROFDIR (KAOHE_CPU_PROFILE:
# serve.RUN.PID and sync.RUN.PID; go tool pprof BINARY FILE reads them).
# Prints one JSON line per run and a summary; stops what it started.
set -euo pipefail
rounds=3 managers=1450 work="" bindir="" tag="" prof=""
while getopts "r:m:w:b:t:p:" o; do
	case $o in
	r) rounds=$OPTARG ;;
	m) managers=$OPTARG ;;
	w) work=$OPTARG ;;
	b) bindir=$(cd "$OPTARG" && pwd) ;;
	t) tag=$OPTARG ;;
	p) mkdir -p "$OPTARG"; prof=$(cd "$OPTARG" && pwd) ;;
	*) sed -n 2,21p "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pouch=${1:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$work" ] || work=$(mktemp -d -t kaohe-bench-sync.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
hz=$(getconf CLK_TCK)
port=$((18000 + RANDOM % 1000))
pouchport=$((port + 1000))

echo "# work dir $work; $(nproc) cores; $(uname -sr); $(go version | cut -d' ' -f3)" >&2
if [ -z "$bindir" ]; then
	bindir=$work/bin
	(cd "$repo" && go build -o "$bindir/" ./cmd/kaohe ./cmd/kaohe-hq)
fi
if [ ! -f "$work/demo/kaohe.db" ]; then
	"$bindir/kaohe" --data "$work/demo" demo --managers "$managers" > "$work/demo.out"
fi

pouchpid="" spid=""
cleanup() {
	for p in $spid $pouchpid; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
if [ -n "$pouch" ]; then
	pouch=$(cd "$pouch" && pwd)
	[ -d "$pouch/node_modules" ] || { echo "no node_modules in $pouch: run npm install there" >&2; exit 2; }
	(cd "$pouch" && ./start-server.sh disk "$pouchport" > "$work/pouch-server.out")
	pouchpid=$(cat "$pouch/srv-disk/server.pid")
fi

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

kaohe_round() { # prints one JSON line
	local tag=$1 dir=$work/run-$1
	rm -rf "$dir"; mkdir -p "$dir"; cp -r "$work/demo" "$dir/sr"
	local code
	code=$("$bindir/kaohe-hq" --db "$dir/hq.db" showroom add --code SH01 --name 上海展厅 | grep -o '[23456789A-HJ-NP-Z]\{12\}' | head -1)
	KAOHE_CPU_PROFILE=${prof:+$prof/serve.$1} "$bindir/kaohe-hq" --db "$dir/hq.db" serve --addr "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
	spid=$!
	for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
	KAOHE_PASSWORD=manager-demo "$bindir/kaohe" --data "$dir/sr" enroll --user D001 --hq "http://127.0.0.1:$port" --code "$code" > "$dir/enroll.out"
	local c0 c1 t0 t1 load
	load=$(cut -d' ' -f1 /proc/loadavg)
	c0=$(cpu $spid)
	t0=$(date +%s.%N)
	KAOHE_CPU_PROFILE=${prof:+$prof/sync.$1} /usr/bin/time -f "%U %S" -o "$dir/client.time" "$bindir/kaohe" --data "$dir/sr" sync > "$dir/sync.out" 2>&1
	t1=$(date +%s.%N)
	c1=$(cpu $spid)
	kill $spid; wait $spid 2>/dev/null || true
	spid=""
	local q="SELECT count(*) FROM outbox WHERE"
	local sent refused pending
	if [ -n "$(sqlite3 "$dir/sr/kaohe.db" "SELECT name FROM sqlite_master WHERE name = 'outbox_queue'")" ]; then
		# Schema 13 on: the changes to send are those of outbox_queue.
		sent=$(sqlite3 "$dir/sr/kaohe.db" "$q refused IS NULL AND seq NOT IN (SELECT seq FROM outbox_queue)")
		pending=$(sqlite3 "$dir/sr/kaohe.db" "SELECT count(*) FROM outbox_queue")
	else # an older build's (-b)
		sent=$(sqlite3 "$dir/sr/kaohe.db" "$q sent_at IS NOT NULL AND refused IS NULL")
		pending=$(sqlite3 "$dir/sr/kaohe.db" "$q sent_at IS NULL AND refused IS NULL")
	fi
	refused=$(sqlite3 "$dir/sr/kaohe.db" "$q refused IS NOT NULL")
	read -r cu cs < "$dir/client.time"
	printf '{"run":"%s","sync_s":%.2f,"server_cpu_s":%.2f,"client_cpu_s":%.2f,"sent":%d,"refused":%d,"pending":%d,"load":%s}\n' \
		"$tag" "$(echo "$t1 - $t0" | bc)" "$(echo "($c1 - $c0) / $hz" | bc -l)" "$(echo "$cu + $cs" | bc)" "$sent" "$refused" "$pending" "$load"
	rm -rf "$dir/sr" "$dir"/hq.db*
}

pouch_round() {
	local load
	load=$(cut -d' ' -f1 /proc/loadavg)
	(cd "$pouch" && node bench.js 100000 "$1" "$pouchport" 1000 10 1) | sed "s/^{/{\"run\":\"$1\",\"load\":$load,/"
}

out=$work/results$tag.jsonl
: > "$out"
for r in $(seq 1 "$rounds"); do
	kaohe_round "${tag}k$r" | tee -a "$out"
	[ -z "$pouch" ] || pouch_round "${tag}p$r" | tee -a "$out"
done

python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
k = [r for r in runs if "sync_s" in r]
p = [r for r in runs if "repMs" in r]
print("round  kaohe sync  server CPU  client CPU  load   PouchDB     ratio")
for i, r in enumerate(k):
    line = f'{i+1:5}  {r["sync_s"]:8.2f} s  {r["server_cpu_s"]:8.2f} s  {r["client_cpu_s"]:8.2f} s  {r["load"]:5}'
    if i < len(p):
        ps = p[i]["repMs"] / 1000
        line += f'  {ps:7.1f} s  {ps / r["sync_s"]:6.1f}x'
    print(line)
if p:
    mk = statistics.median(r["sync_s"] for r in k)
    mp = statistics.median(r["repMs"] / 1000 for r in p)
    print(f"medians: kaohe {mk:.2f} s, PouchDB {mp:.1f} s: {mp / mk:.1f}x")
PY
