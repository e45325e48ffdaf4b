#!/bin/bash
# attack-hq.sh: a dishonest showroom (and a dishonest HQ-mode PC) against a
# real `kaohe-hq serve`, with nothing but curl and each one's own token.
#
#   scripts/attack-hq.sh [-b BINDIR] [-w WORKDIR]
#
# Starts a brand-new HQ on an empty database on a free loopback port, adds
# two showrooms and an HQ user, enrolls each with `kaohe enroll` (fresh data
# folders), reads each token where the app keeps it (the meta table of its
# database), sends the honest rows the attacks need (managers, first levels,
# applications and their review up to a grant), then replays every attack of
# issue #10: each is printed with HQ's answer. Afterwards nothing may have
# changed at HQ: `kaohe-hq stats`, every table's row count and every row are
# compared with the state before the attacks, and no attack's id or marker
# may appear anywhere in HQ's database. Exits 1 if any attack was applied
# (or answered without a coded refusal) or if HQ's state moved; 2 if the
# set-up failed. Stops what it started.
set -euo pipefail
bindir="" work=""
while getopts "b:w:" o; do
	case $o in
	b) bindir=$(cd "$OPTARG" && pwd) ;;
	w) work=$OPTARG ;;
	*) sed -n 2,17p "$0"; exit 2 ;;
	esac
done
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$work" ] || work=$(mktemp -d -t kaohe-attack.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ -z "$bindir" ]; then
	bindir=$work/bin
	(cd "$repo" && go build -tags no_emoji -o "$bindir/" ./cmd/kaohe ./cmd/kaohe-hq)
fi
for t in curl jq sqlite3 python3; do
	command -v $t > /dev/null || { echo "needs $t" >&2; exit 2; }
done

db=$work/hq.db
rm -rf "$work"/hq.db* "$work"/sr-* "$work"/hqpc
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
spid=""
cleanup() { [ -z "$spid" ] || kill "$spid" 2> /dev/null || true; }
trap cleanup EXIT
"$bindir/kaohe-hq" --db "$db" serve --addr "127.0.0.1:$port" --public-url https://hq.example.cn > "$work/serve.log" 2>&1 &
spid=$!
for _ in $(seq 1 200); do curl -sf "$url/healthz" > /dev/null && break; sleep 0.1; done
curl -sf "$url/healthz" > /dev/null || { echo "HQ did not start:" >&2; cat "$work/serve.log" >&2; exit 2; }
echo "# HQ $url on $db (work dir $work)"

code() { grep -o '[23456789A-HJ-NP-Z]\{12\}' | head -1; }
codeA=$("$bindir/kaohe-hq" --db "$db" showroom add --code SH01 --name 甲展厅 | code)
codeB=$("$bindir/kaohe-hq" --db "$db" showroom add --code SH02 --name 乙展厅 | code)
codeH=$("$bindir/kaohe-hq" --db "$db" hq-user add --name 评审电脑 | code)
meta() { sqlite3 "$1/kaohe.db" "SELECT value FROM meta WHERE key = '$2'"; }
for x in A:$codeA B:$codeB H:$codeH; do
	d=$work/sr-${x%%:*}
	"$bindir/kaohe" --data "$d" enroll --hq "$url" --code "${x#*:}" > "$d.enroll" 2>&1 || { cat "$d.enroll" >&2; exit 2; }
done
tokA=$(meta "$work/sr-A" hq_token) tokB=$(meta "$work/sr-B" hq_token) tokH=$(meta "$work/sr-H" hq_token)
srA=$(meta "$work/sr-A" showroom_id) srB=$(meta "$work/sr-B" showroom_id)
[ -n "$tokA" ] && [ -n "$tokB" ] && [ -n "$tokH" ] && [ -n "$srA" ] && [ -n "$srB" ] || { echo "no tokens in the apps' databases" >&2; exit 2; }
echo "# showroom A $srA, B $srB; tokens read from each app's kaohe.db (meta hq_token)"

today=$(TZ=Asia/Shanghai date +%F) # HQ's day: the policy's calendar
ago() { TZ=Asia/Shanghai date -d "$today -$1 days" +%F; }
ahead=$(TZ=Asia/Shanghai date -d "$today +40 days" +%F)
year=${today%%-*}
period=$year-H1 # one of the periods a new HQ publishes
# dj YYYY-MM-DD: a day as the wire carries it (kaohe.Date)
dj() { local y m d; IFS=- read -r y m d <<< "$1"; printf '{"Year":%d,"Month":%d,"Day":%d}' $((10#$y)) $((10#$m)) $((10#$d)); }
Z='{"Year":0,"Month":0,"Day":0}'
n=0
# send TOKEN CHANGE-ID ENTITY ROW-ID OP PAYLOAD [VERSION]: one push, prints
# "status code message" (a refused request: "http-NNN code key").
send() {
	local body out st
	body=$(printf '{"version":4,"changes":[{"id":"%s","entity":"%s","row_id":"%s","op":"%s","payload":%s,"at":"%sT02:00:00Z","version":%s}]}' \
		"$2" "$3" "$4" "$5" "$6" "$today" "${7:-1}")
	out=$(printf '%s' "$body" | curl -s -o "$work/answer" -w '%{http_code}' -H "X-Kaohe-Schema: 4" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary @- "$url/api/v1/push")
	if [ "$out" = 200 ]; then
		jq -r '.results[0] | "\(.status) \(.code // "-") \(.message // "")"' "$work/answer"
	else
		st=$(jq -r '"\(.code // "-") \(.key // "") \(.message // "")"' "$work/answer" 2> /dev/null || cat "$work/answer")
		echo "http-$out $st"
	fi
}
ok() { # honest set-up: must be applied
	local a
	n=$((n + 1))
	a=$(send "$1" "ok-$n" "${@:2}")
	case $a in applied*) ;; *) echo "SET-UP FAILED: $2 $3: $a" >&2; exit 2 ;; esac
}
fails=0 attacks=0
attack() { # NAME TOKEN ENTITY ROW-ID OP PAYLOAD [VERSION]: must be refused with a code
	local a name=$1
	attacks=$((attacks + 1))
	a=$(send "$2" "atk-$attacks" "${@:3}")
	case $a in
	"refused "[a-z]*|http-4[0-9][0-9]" "[a-z]*) printf 'refused  %-58s %s\n' "$name" "$a" ;;
	*) printf 'APPLIED! %-58s %s\n' "$name" "$a"; fails=$((fails + 1)) ;;
	esac
}

mgr() { # ID SHOWROOM EMPLOYEE-NO NAME EDUCATION
	printf '{"id":"%s","showroom_id":"%s","employee_no":"%s","name":"%s","gender":"F","phone":"","education":%s,"hire_date":{"Year":2025,"Month":1,"Day":2},"status":"active","left_on":{"Year":0,"Month":0,"Day":0},"note":""}' "$@"
}
first() { printf '{"id":"%s","manager_id":"%s","from_level":0,"to_level":1,"date":{"Year":2025,"Month":1,"Day":2},"reason":"入职定级","decided_by":"展厅","application_id":""}' "$@"; }
report() { python3 -c "print('述职' * ($1 // 2 + 50))"; }
app() { # ID SHOWROOM MANAGER TARGET EDUCATION REPORT-CHARS [EXEMPTION]
	printf '{"id":"%s","showroom_id":"%s","manager_id":"%s","target_level":%s,"personal_info":"本人情况","achievements":"主要政绩","report":"%s","education":%s,"exemption":"%s","exemption_reason":""}' \
		"$1" "$2" "$3" "$4" "$(report "$6")" "$5" "${7:-}"
}
ev() { # ID APP STAGE PASS DATE [EXAM]
	local exam=""
	[ -z "${6:-}" ] || exam=",\"exam_score\":$6"
	printf '{"id":"%s","application_id":"%s","stage":"%s","pass":%s,"date":%s,"decided_by":["评审组长"],"comment":""%s}' "$1" "$2" "$3" "$4" "$(dj "$5")" "$exam"
}
sev() { printf '{"id":"%s","application_id":"%s","stage":"submit","pass":true,"date":%s,"decided_by":["张"],"comment":""}' "$1" "$2" "$(dj "$3")"; }
asm() { # ID SHOWROOM MANAGER SCORE TOTAL GRADE COEFF ASSESSOR [TEMPLATE-VERSION]
	printf '{"id":"%s","showroom_id":"%s","manager_id":"%s","period_id":"%s","template_id":"tpl-default","template_version":%s,"scores":{"plan":%s,"satisfaction":%s,"expansion":%s,"feedback":%s,"cooperation":%s},"total":%s,"grade":"%s","coefficient":%s,"comment":"","assessor":"%s","status":"draft","submitted_on":{"Year":0,"Month":0,"Day":0}}' \
		"$1" "$2" "$3" "$period" "${9:-1}" "$4" "$4" "$4" "$4" "$4" "$5" "$6" "$7" "$8"
}

# --- honest rows, as the apps would send them --------------------------
for i in 1 2 3 4 5 6 7 8 9; do
	edu=4
	[ $i != 7 ] || edu=2 # 高中: below level 2's 大专
	ok "$tokA" manager "ma$i" upsert "$(mgr "ma$i" "$srA" "A00$i" "甲$i" $edu)"
	ok "$tokA" level_assignment "la$i" upsert "$(first "la$i" "ma$i")"
done
# 甲8 is A's showroom manager: HQ sets her level 3 (定级), as it does after a
# showroom enrolls; only she assesses A's level-1 managers.
"$bindir/kaohe-hq" --db "$db" level set --showroom SH01 --employee-no A008 --level 3 --date 2025-01-03 --decided-by 评审小组 > "$work/levelset" 2>&1 ||
	{ echo "SET-UP FAILED: level set A008: $(cat "$work/levelset")" >&2; exit 2; }
ok "$tokB" manager mb1 upsert "$(mgr mb1 "$srB" B001 乙一 4)"
ok "$tokB" level_assignment lb1 upsert "$(first lb1 mb1)"
ok "$tokB" manager mb2 upsert "$(mgr mb2 "$srB" B002 乙二 4)" # no level yet
ok "$tokB" application appb upsert "$(app appb "$srB" mb1 2 4 3100)"
ok "$tokB" application_event sb upsert "$(sev sb appb "$(ago 20)")"
ok "$tokA" training tr1 upsert "{\"id\":\"tr1\",\"showroom_id\":\"$srA\",\"title\":\"产品知识\",\"category\":\"basic\",\"method\":\"classroom\",\"date\":$(dj 2026-01-05),\"hours\":2,\"trainer\":\"王\"}"
ok "$tokA" attendance at1 upsert '{"id":"at1","training_id":"tr1","manager_id":"ma1","result":"passed","score":90}'
ok "$tokA" reward rw1 upsert "{\"id\":\"rw1\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"迟到\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
ok "$tokA" assessment as1 upsert "$(asm as1 "$srA" ma1 80 80 good 1 "甲8（A008）")"
# app2: level 1 -> 2, granted (backdated review): ma2 becomes level 2.
ok "$tokA" application app2 upsert "$(app app2 "$srA" ma2 2 4 3100)"
ok "$tokA" application_event s2 upsert "$(sev s2 app2 2026-01-05)"
ok "$tokH" decision d2a upsert "$(ev d2a app2 first_review true 2026-01-10)"
ok "$tokH" decision d2b upsert "$(ev d2b app2 exam true 2026-01-20 80)"
ok "$tokH" decision d2c upsert "$(ev d2c app2 second_review true 2026-02-01)"
ok "$tokH" decision d2d upsert "$(ev d2d app2 third_review true 2026-05-02)"
# app3: a draft for level 1 -> 3 (HQ keeps drafts); its submit would skip level 2.
ok "$tokA" application app3 upsert "$(app app3 "$srA" ma3 3 4 5100)"
# app4: submitted, waiting for the first review.
ok "$tokA" application app4 upsert "$(app app4 "$srA" ma4 2 4 3100)"
ok "$tokA" application_event s4 upsert "$(sev s4 app4 "$(ago 30)")"
# app5: waiting for the exam.
ok "$tokA" application app5 upsert "$(app app5 "$srA" ma5 2 4 3100)"
ok "$tokA" application_event s5 upsert "$(sev s5 app5 "$(ago 60)")"
ok "$tokH" decision d5a upsert "$(ev d5a app5 first_review true "$(ago 55)")"
# app6: probation started ten days ago.
ok "$tokA" application app6 upsert "$(app app6 "$srA" ma6 2 4 3100)"
ok "$tokA" application_event s6 upsert "$(sev s6 app6 "$(ago 40)")"
ok "$tokH" decision d6a upsert "$(ev d6a app6 first_review true "$(ago 35)")"
ok "$tokH" decision d6b upsert "$(ev d6b app6 exam true "$(ago 30)" 75)"
ok "$tokH" decision d6c upsert "$(ev d6c app6 second_review true "$(ago 10)")"
# app9: level 1 -> 2, probation over, waiting for the third review.
ok "$tokA" application app9 upsert "$(app app9 "$srA" ma9 2 4 3100)"
ok "$tokA" application_event s9 upsert "$(sev s9 app9 2026-02-01)"
ok "$tokH" decision d9a upsert "$(ev d9a app9 first_review true 2026-02-05)"
ok "$tokH" decision d9b upsert "$(ev d9b app9 exam true 2026-02-10 70)"
ok "$tokH" decision d9c upsert "$(ev d9c app9 second_review true 2026-02-15)"
# drafts: ma7 without the education, ma8 with too short a report.
ok "$tokA" application app7 upsert "$(app app7 "$srA" ma7 2 2 3100)"
ok "$tokA" application app8 upsert "$(app app8 "$srA" ma8 2 4 500)"
# a target, an actual, a survey, and a training planned ahead (allowed)
ok "$tokA" target tg1 upsert "{\"id\":\"tg1\",\"manager_id\":\"ma1\",\"metric\":\"sales\",\"year\":$year,\"annual\":1200,\"months\":[100,100,100,100,100,100,100,100,100,100,100,100]}"
ok "$tokA" actual ac1 upsert "{\"id\":\"ac1\",\"manager_id\":\"ma1\",\"metric\":\"sales\",\"year\":$year,\"month\":1,\"value\":90}"
ok "$tokA" market_research mr1 upsert "{\"id\":\"mr1\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"kind\":\"competitor\",\"date\":$(dj "$(ago 3)"),\"subject\":\"欧派\",\"details\":\"驻点\"}"
ok "$tokA" training trF upsert "{\"id\":\"trF\",\"showroom_id\":\"$srA\",\"title\":\"计划培训\",\"category\":\"basic\",\"method\":\"classroom\",\"date\":$(dj "$ahead"),\"hours\":2,\"trainer\":\"王\"}"
echo "# honest set-up: $n changes applied (a level-2 manager ma2 granted by HQ)"

snapshot() { # what HQ holds: stats, each table's count and content
	"$bindir/kaohe-hq" --db "$db" stats
	for t in $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		echo "table $t: $(sqlite3 "$db" "SELECT count(*) FROM \"$t\"")"
	done
	sqlite3 "$db" .dump
}
snapshot > "$work/before.txt"

# --- the opening list of the issue -------------------------------------
for st in first_review exam second_review third_review; do
	attack "showroom writes its own $st" "$tokA" application_event "atk-$st" upsert "$(ev "atk-$st" app4 "$st" true "$today" 90)"
done
attack "level_assignment 1 -> 5 of its own manager" "$tokA" level_assignment atk-l5 upsert \
	'{"id":"atk-l5","manager_id":"ma1","from_level":1,"to_level":5,"date":{"Year":2026,"Month":6,"Day":1},"reason":"atk-r","decided_by":"展厅","application_id":""}'
attack "a new hire's first level 2" "$tokA" level_assignment atk-l2 upsert \
	'{"id":"atk-l2","manager_id":"ma8","from_level":0,"to_level":2,"date":{"Year":2026,"Month":6,"Day":1},"reason":"atk-r","decided_by":"展厅","application_id":""}'
attack "penalty on B's manager, A's showroom_id" "$tokA" reward atk-pen upsert \
	"{\"id\":\"atk-pen\",\"showroom_id\":\"$srA\",\"manager_id\":\"mb1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "level change of B's manager, A's showroom_id" "$tokA" level_assignment atk-lb upsert \
	"{\"id\":\"atk-lb\",\"showroom_id\":\"$srA\",\"manager_id\":\"mb1\",\"from_level\":1,\"to_level\":2,\"date\":$(dj 2026-06-01),\"reason\":\"atk-r\",\"decided_by\":\"展厅\",\"application_id\":\"\"}"
attack "first level of B's new hire" "$tokA" level_assignment atk-lb2 upsert "$(first atk-lb2 mb2)"
attack "penalty on B's manager, B's showroom_id" "$tokA" reward atk-pen2 upsert \
	"{\"id\":\"atk-pen2\",\"showroom_id\":\"$srB\",\"manager_id\":\"mb1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "penalty on A's manager, B's showroom_id" "$tokA" reward atk-pen3 upsert \
	"{\"id\":\"atk-pen3\",\"showroom_id\":\"$srB\",\"manager_id\":\"ma1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "B's manager taken over by A (manager row, A's id)" "$tokA" manager mb1 upsert "$(mgr mb1 "$srA" B001 atk-乙一 4)" 9
attack "failed review stage on B's application" "$tokA" application_event atk-fb upsert "$(ev atk-fb appb first_review false "$today")"
attack "withdrawal of B's application" "$tokA" application_event atk-wb upsert \
	'{"id":"atk-wb","application_id":"appb","stage":"withdraw","pass":false,"date":{"Year":2026,"Month":11,"Day":20},"decided_by":["甲"],"comment":"atk-r"}'
attack "penalty, duplicate manager_id key (B's first)" "$tokA" reward atk-dup upsert \
	"{\"id\":\"atk-dup\",\"showroom_id\":\"$srA\",\"manager_id\":\"mb1\",\"manager_id\":\"ma1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "penalty, duplicate showroom_id key (B's first)" "$tokA" reward atk-dup2 upsert \
	"{\"id\":\"atk-dup2\",\"showroom_id\":\"$srB\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"type\":\"fine\",\"amount\":500,\"reason\":\"atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "failed stage on B's app, duplicate application_id" "$tokA" application_event atk-dup3 upsert \
	'{"id":"atk-dup3","application_id":"appb","application_id":"app4","stage":"withdraw","pass":false,"date":{"Year":2026,"Month":11,"Day":20},"decided_by":["甲"],"comment":"atk-r"}'
attack "assessment total 1e308, grade S+++" "$tokA" assessment atk-big upsert "$(asm atk-big "$srA" ma5 80 1e308 'S+++' 1 '甲8（A008）')"
attack "application payload only {showroom_id}" "$tokA" application atk-only1 upsert "{\"showroom_id\":\"$srA\"}"
attack "assessment payload only {showroom_id}" "$tokA" assessment atk-only2 upsert "{\"showroom_id\":\"$srA\"}"
attack "submit of an application that does not exist" "$tokA" application_event atk-ghost upsert "$(sev atk-ghost atk-no-such-app "$today")"
attack "withdrawal of an application that does not exist" "$tokA" application_event atk-ghost2 upsert \
	'{"id":"atk-ghost2","application_id":"atk-no-app","stage":"withdraw","pass":false,"date":{"Year":2026,"Month":11,"Day":20},"decided_by":["甲"],"comment":""}'
deep=$(python3 -c 'print("{\"a\":" * 9000 + "1" + "}" * 9000)')
attack "manager payload 9,000 levels deep" "$tokA" manager atk-deep upsert "$deep"
deep2=$(python3 -c 'print("{\"id\":\"atk-deep2\",\"note\":" + "[" * 9000 + "]" * 9000 + "}")')
attack "manager payload, 9,000 nested arrays in a field" "$tokA" manager atk-deep2 upsert "$deep2"

rawattack() { # NAME TOKEN BODY: a whole request HQ must refuse
	local st
	attacks=$((attacks + 1))
	st=$(printf '%s' "$3" | curl -s -o "$work/answer" -w '%{http_code}' -H "X-Kaohe-Schema: 4" -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' --data-binary @- "$url/api/v1/push")
	if [ "${st:0:1}" = 4 ] && jq -e '.code' "$work/answer" > /dev/null 2>&1; then
		printf 'refused  %-58s http-%s %s\n' "$1" "$st" "$(jq -r '"\(.code) \(.key // "") \(.message // "")"' "$work/answer")"
	else
		printf 'APPLIED! %-58s http-%s %s\n' "$1" "$st" "$(head -c 300 "$work/answer")"; fails=$((fails + 1))
	fi
}
one=$(printf '{"id":"atk-rq","entity":"reward","row_id":"atk-rq","op":"upsert","payload":{"id":"atk-rq","showroom_id":"%s","manager_id":"ma1","type":"fine","amount":1,"reason":"x","date":%s,"decided_by":"甲"},"at":"%sT02:00:00Z","version":1}' "$srA" "$(dj 2026-06-01)" "$today")
rawattack "request with a duplicate \"changes\" key" "$tokA" "{\"version\":4,\"changes\":[],\"changes\":[$one]}"
rawattack "request with an unknown field" "$tokA" "{\"version\":4,\"evil\":1,\"changes\":[$one]}"
rawattack "request signed with no token" "" "{\"version\":4,\"changes\":[$one]}"
rawattack "request with another showroom's replica id" "$tokA" "{\"version\":4,\"replica\":\"atk-replica\",\"changes\":[$one]}"
# A replay: an honest change's id again, with another payload, is a
# duplicate (nothing done; the state comparison below proves it).
attacks=$((attacks + 1))
a=$(send "$tokA" ok-1 manager ma1 upsert "$(mgr ma1 "$srA" A001 atk-甲一 1)" 50)
case $a in duplicate*) printf 'ignored  %-58s %s\n' "replay of change ok-1 with another payload" "$a" ;;
*) printf 'APPLIED! %-58s %s\n' "replay of change ok-1 with another payload" "$a"; fails=$((fails + 1)) ;; esac

# --- item 3: what HQ refuses -------------------------------------------
m() { mgr "$1" "$srA" "$2" "$3" 4; }
attack "unknown field" "$tokA" manager atk-unk upsert "$(m atk-unk A091 甲九 | sed 's/}$/,"level":5}/')"
attack "invalid UTF-8 in a name" "$tokA" manager atk-utf upsert "$(m atk-utf A092 $'\xff\xfe甲')"
attack "NUL in a name (\\u0000)" "$tokA" manager atk-nul upsert "$(m atk-nul A093 '甲\u0000九')"
attack "control character in a name (\\u0007)" "$tokA" manager atk-bel upsert "$(m atk-bel A094 '甲\u0007九')"
attack "raw control byte in a name" "$tokA" manager atk-raw upsert "$(m atk-raw A095 $'甲\x01九')"
attack "bidi override in a name (\\u202e)" "$tokA" manager atk-bidi upsert "$(m atk-bidi A096 '甲\u202e九')"
attack "bidi override, raw UTF-8, in a reward reason" "$tokA" reward atk-bidi2 upsert \
	"{\"id\":\"atk-bidi2\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"type\":\"praise\",\"amount\":0,\"reason\":\"好$(printf '\xe2\x80\xae')atk-r\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "missing reference: reward of no manager" "$tokA" reward atk-miss upsert \
	"{\"id\":\"atk-miss\",\"showroom_id\":\"$srA\",\"manager_id\":\"atk-nobody\",\"type\":\"praise\",\"amount\":0,\"reason\":\"x\",\"date\":$(dj 2026-06-01),\"decided_by\":\"甲\"}"
attack "foreign reference: attendance of B's manager" "$tokA" attendance atk-att upsert \
	'{"id":"atk-att","training_id":"tr1","manager_id":"mb1","result":"passed","score":90}'
attack "foreign reference: B records at A's training" "$tokB" attendance atk-att2 upsert \
	'{"id":"atk-att2","training_id":"tr1","manager_id":"mb1","result":"passed","score":90}'
attack "foreign reference: application of B's manager" "$tokA" application atk-fapp upsert "$(app atk-fapp "$srA" mb1 2 4 3100)"
attack "target level raised after submission" "$tokA" application app4 upsert "$(app app4 "$srA" ma4 5 4 3100)" 9
attack "education changed after submission" "$tokA" application app4 upsert "$(app app4 "$srA" ma4 2 6 3100)" 9
attack "materials changed after submission" "$tokA" application app4 upsert "$(app app4 "$srA" ma4 2 4 3100 | sed 's/主要政绩/atk-政绩/')" 9
attack "submitted application deleted" "$tokA" application app4 delete "$(app app4 "$srA" ma4 2 4 3100)" 9
attack "submit with a report below level 2's 3000 字" "$tokA" application_event atk-short upsert "$(sev atk-short app8 "$today")"
attack "submit without the education (高中 for 大专), no exemption" "$tokA" application_event atk-edu upsert "$(sev atk-edu app7 "$today")"
attack "assessment total not the template's (80s, total 95)" "$tokA" assessment atk-tot upsert "$(asm atk-tot "$srA" ma5 80 95 excellent 1.2 '甲8（A008）')"
attack "assessment grade not the template's" "$tokA" assessment atk-grd upsert "$(asm atk-grd "$srA" ma5 80 80 excellent 1 '甲8（A008）')"
attack "assessment coefficient not the template's" "$tokA" assessment atk-cof upsert "$(asm atk-cof "$srA" ma5 80 80 good 1.5 '甲8（A008）')"
attack "assessment of a template version that does not exist" "$tokA" assessment atk-tpl upsert "$(asm atk-tpl "$srA" ma5 80 80 good 1 '甲8（A008）' 99)"
attack "assessment of level-2 manager ma2" "$tokA" assessment atk-l2a upsert "$(asm atk-l2a "$srA" ma2 80 80 good 1 '甲8（A008）')"
attack "self-assessment (assessor 甲6（A006）)" "$tokA" assessment atk-self upsert "$(asm atk-self "$srA" ma6 80 80 good 1 '甲6（A006）')"
attack "self-assessment (assessor a006, other spelling)" "$tokA" assessment atk-self2 upsert "$(asm atk-self2 "$srA" ma6 80 80 good 1 ' a006 ')"
attack "assessment of B's manager" "$tokA" assessment atk-fasm upsert "$(asm atk-fasm "$srA" mb1 80 80 good 1 '甲8（A008）')"
attack "assessment moved onto B's manager" "$tokA" assessment as1 upsert "$(asm as1 "$srA" mb1 80 80 good 1 '甲8（A008）')" 9
attack "assessment by a number nobody of A has" "$tokA" assessment atk-nob upsert "$(asm atk-nob "$srA" ma5 80 80 good 1 '甲8（A099）')"
attack "assessment naming its assessor without a number" "$tokA" assessment atk-non upsert "$(asm atk-non "$srA" ma5 80 80 good 1 '展厅经理')"
attack "assessment by B's manager" "$tokA" assessment atk-bas upsert "$(asm atk-bas "$srA" ma5 80 80 good 1 '乙一（B001）')"
attack "assessment by A008's number under another name" "$tokA" assessment atk-nam upsert "$(asm atk-nam "$srA" ma5 80 80 good 1 '李四（A008）')"
attack "assessment by a level-1 colleague (waits, not stored)" "$tokA" assessment atk-lv1 upsert "$(asm atk-lv1 "$srA" ma5 80 80 good 1 '甲1（A001）')"
for k in decision exemption filing level_change certificate level period template review_member showroom hq_key hq_info hq_account account_block; do
	attack "showroom writes HQ's kind $k" "$tokA" "$k" "atk-k-$k" upsert "{\"id\":\"atk-k-$k\"}"
done
attack "HQ credential writes a showroom's manager" "$tokH" manager atk-hqm upsert "$(m atk-hqm A097 甲十)"

# deletes of kinds the app never deletes, a manager with a history, and
# dates after HQ's day
for x in "training tr1" "attendance at1" "reward rw1" "target tg1" "actual ac1" "market_research mr1" "assessment as1" \
	"application app4" "level_assignment la1" "application_event s4" "manager ma1"; do
	set -- $x
	p=$(sqlite3 "$db" "SELECT payload FROM rows WHERE entity = '$1' AND row_id = '$2'")
	attack "delete of $1 $2" "$tokA" "$1" "$2" delete "$p" 2
done
attack "reward dated $ahead" "$tokA" reward atk-rw upsert "{\"id\":\"atk-rw\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"type\":\"praise\",\"amount\":0,\"reason\":\"atk-r\",\"date\":$(dj "$ahead"),\"decided_by\":\"甲\"}"
attack "survey dated $ahead" "$tokA" market_research atk-mr upsert "{\"id\":\"atk-mr\",\"showroom_id\":\"$srA\",\"manager_id\":\"ma1\",\"kind\":\"competitor\",\"date\":$(dj "$ahead"),\"subject\":\"atk-r\",\"details\":\"atk-r\"}"
attack "attendance of the training planned for $ahead" "$tokA" attendance atk-at upsert '{"id":"atk-at","training_id":"trF","manager_id":"ma1","result":"passed","score":90}'
attack "training tr1 (with attendance) moved to $ahead" "$tokA" training tr1 upsert "{\"id\":\"tr1\",\"showroom_id\":\"$srA\",\"title\":\"atk-r\",\"category\":\"basic\",\"method\":\"classroom\",\"date\":$(dj "$ahead"),\"hours\":2,\"trainer\":\"王\"}" 3

# --- item 3: HQ's own decisions, by HQ's day ----------------------------
attack "grant 1 -> 3 (target is not current+1)" "$tokH" decision atk-g3 upsert "$(ev atk-g3 app3 third_review true "$today")"
attack "submit of an application 1 -> 3 (skips level 2)" "$tokA" application_event s3 upsert "$(sev s3 app3 "$(ago 2)")"
attack "first review dated in the future ($ahead)" "$tokH" decision atk-fut upsert "$(ev atk-fut app4 first_review true "$ahead")"
attack "first review before the submission" "$tokH" decision atk-pre upsert "$(ev atk-pre app4 first_review true "$(ago 45)")"
attack "third review before probation ended" "$tokH" decision atk-prob upsert "$(ev atk-prob app6 third_review true "$today")"
attack "exam 45/100 passed (pass mark 60)" "$tokH" decision atk-exam upsert "$(ev atk-exam app5 exam true "$today" 45)"
attack "exam 75/100 failed (pass mark 60)" "$tokH" decision atk-exam2 upsert "$(ev atk-exam2 app5 exam false "$today" 75)"
attack "second third review of a granted application" "$tokH" decision atk-g2 upsert "$(ev atk-g2 app2 third_review true "$today")"
attack "first review skipping the exam's turn (app5)" "$tokH" decision atk-skip upsert "$(ev atk-skip app5 second_review true "$today")"
attack "HQ writes a level change itself" "$tokH" level_change atk-hlc upsert \
	'{"id":"atk-hlc","manager_id":"ma1","from_level":1,"to_level":3,"date":{"Year":2026,"Month":6,"Day":1},"reason":"atk-r","decided_by":"总部","application_id":""}'

snapshot > "$work/after.txt"
moved=0
if ! diff -u "$work/before.txt" "$work/after.txt" > "$work/moved.diff"; then
	echo "HQ'S STATE MOVED during the attacks:"; head -40 "$work/moved.diff"; moved=1
fi
marks=$(sqlite3 "$db" .dump | grep -c 'atk-' || true)
[ "$marks" = 0 ] || { echo "HQ's database holds $marks lines naming an attack"; moved=1; }

# The grant rule's other half: a level HQ disabled meanwhile is not
# granted. HQ's review group disables level 2 (as HQ mode would send it),
# app9's third review must be refused, and level 2 is enabled again.
lv=$(sqlite3 "$db" "SELECT payload FROM rows WHERE entity = 'level' AND row_id = '2'")
if [ -z "$lv" ]; then
	echo "HQ holds no level 2 row to disable"; moved=1
else
	ok "$tokH" level 2 upsert "$(jq -c '.enabled = false' <<< "$lv")" 1000
	attack "grant of level 2 while level 2 is disabled" "$tokH" decision atk-dis upsert "$(ev atk-dis app9 third_review true "$today")"
	ok "$tokH" level 2 upsert "$(jq -c '.enabled = true' <<< "$lv")" 1001
	[ "$(sqlite3 "$db" "SELECT count(*) FROM rows WHERE row_id = 'atk-dis'")" = 0 ] || { echo "the disabled grant is stored"; moved=1; }
fi

echo "# $attacks attacks: $fails applied; HQ's state moved: $([ $moved = 0 ] && echo no || echo YES)"
[ $fails = 0 ] && [ $moved = 0 ]
