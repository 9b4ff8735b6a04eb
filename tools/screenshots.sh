#!/usr/bin/env bash
# Screenshots to look at (issue 13: "screenshots you looked at"), taken with
# headless Chromium into the folder given as argument, then every run,
# comparison and study chart (tools/chart_screenshots.sh and
# tools/study_screenshots.sh, which can also be run alone):
#   tools/screenshots.sh OUTDIR [BINARY]
# BINARY defaults to target/release/chipban. The browser is $CHROME, else
# `chromium` on PATH (Debian's package). Each part is one function.
set -euo pipefail
out=${1:?usage: tools/screenshots.sh OUTDIR [BINARY]}
bin=${2:-target/release/chipban}
chrome=${CHROME:-chromium}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# One screenshot of URL into FILE (1400x1000 unless a size is given), after
# the page has had BUDGET ms of (virtual) time to run its requests.
shot() {
  local url=$1 file=$2 size=${3:-1400,1000} budget=${4:-8000}
  local profile
  profile=$(mktemp -d)
  "$chrome" --headless=new --no-sandbox --disable-gpu --disable-background-networking \
    --no-first-run --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$size" --virtual-time-budget="$budget" \
    --screenshot="$file" "$url" >/dev/null 2>&1
  rm -rf "$profile"
  echo "wrote $file"
}

# The explorer (`chipban explore`): its first view, a changed setting (the
# ban switched off and a slow domestic supply, a firm inspected through the
# address), refused values with the command line's message (a free field,
# a slider), and the top of the served report with its link back.
explorer_screenshots() {
  local log port pid
  log=$(mktemp)
  "$bin" explore --no-open --port 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do
    port=$(sed -n 's|^chipban explore: http://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$log"; kill "$pid"; exit 1; }
  local base="http://127.0.0.1:$port"
  shot "$base/" "$out/explore.png"
  shot "$base/" "$out/explore-full.png" 1400,2600
  local s='{"controls":{"ban":1,"domestic":0.5,"undercut":0.6},"extra":[],"seed":3}'
  shot "$base/?s=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$s")" "$out/explore-changed.png"
  s='{"controls":{},"extra":[],"seed":42,"month":20,"firm":"Entrant 3"}'
  shot "$base/?s=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$s")" "$out/explore-inspector.png" 1400,1700
  s='{"controls":{"undercut":1.5},"extra":["market.inertai=0.5"],"seed":1}'
  shot "$base/?s=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$s")" "$out/explore-refused.png"
  s='{"controls":{"undercut":1.5},"extra":[],"seed":1}'
  shot "$base/?s=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$s")" "$out/explore-refused-slider.png" 1400,1400
  shot "$base/report" "$out/explore-report.png" 1400,700 30000
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}

explorer_screenshots
here=$(cd "$(dirname "$0")" && pwd)
"$here/chart_screenshots.sh" "$out"
"$here/study_screenshots.sh" "$out" "$bin"
