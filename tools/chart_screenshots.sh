#!/usr/bin/env bash
# The charts of issue 13's chart fixes, as PNG files to look at.
#
#   tools/chart_screenshots.sh OUTDIR
#
# Builds the release binary, runs worlds/baseline.ron and worlds/classroom.ron
# (seed 42, with charts) and `compare baseline no_ban --replicates 30`, and
# copies into OUTDIR every run chart of both worlds
# (`<world>-<chart>.png`), every comparison chart (`compare-<chart>.png`) and
# frames of each world's market_race.gif around its first acquisitions and at
# the end (`<world>-race-frame-N.png`, decoded by `examples/race.rs`), then
# lists what it wrote. Takes about a minute after the build.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(realpath "$1")
cd "$(dirname "$0")/.."
CARGO_PROFILE_RELEASE_INCREMENTAL=true cargo build --release --quiet --bin chipban --example race
bin=target/release/chipban
race=target/release/examples/race
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for w in baseline classroom; do
  "$bin" run "worlds/$w.ron" --seed 42 --out "$work/$w" --force --quiet
  for png in "$work/$w"/charts/*.png; do
    cp "$png" "$out/$w-$(basename "$png")"
  done
  # frames: the months of the first two acquisitions, the month after the
  # first, and the last month
  months=$(awk -F, 'NR > 1 && $3 == "acquisition" { print $1 }' "$work/$w/events.csv" | uniq | head -2)
  first=$(echo "$months" | head -1)
  last=$(($(wc -l < "$work/$w/months.csv") - 2))
  frames=$(printf '%s\n' $months ${first:+$((first + 1))} "$last" | sort -n | uniq)
  # shellcheck disable=SC2086  # one argument per frame number
  "$race" "$work/$w" $frames 2> /dev/null
  for f in $frames; do
    cp "$work/$w/race-frame-$f.png" "$out/$w-race-frame-$f.png"
  done
done

"$bin" compare worlds/baseline.ron worlds/no_ban.ron --replicates 30 --out "$work/compare" --force --quiet
for png in "$work/compare"/charts/*.png; do
  cp "$png" "$out/compare-$(basename "$png")"
done
ls -1 "$out"
