#!/usr/bin/env bash
# Record every output a refactor must keep, for `tools/compare_snapshots.sh`.
#
#   tools/snapshot.sh BINARY DIR
#
# Runs the shipped worlds (seeds 1 and 42, with charts and with --narrate),
# `chart` on each run folder, the three shipped sweeps, `compare baseline
# no_ban --replicates 50` and `calibrate --replicates 20`, and keeps what each
# printed. Takes about a minute with a release binary.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BINARY DIR" >&2; exit 2; }
bin=$(realpath "$1")
dir=$2
cd "$(dirname "$0")/.."
[ -e "$dir" ] && { echo "$dir exists; remove it first" >&2; exit 2; }
mkdir -p "$dir"
dir=$(realpath "$dir")
for w in baseline no_ban classroom; do
  for s in 1 42; do
    "$bin" run "worlds/$w.ron" --seed "$s" --out "$dir/run-$w-$s" > "$dir/run-$w-$s.stdout"
    "$bin" run "worlds/$w.ron" --seed "$s" --out "$dir/narrate-$w-$s" --no-charts --narrate > "$dir/narrate-$w-$s.stdout"
    # `chart` redraws the visuals of a folder that has only the data files
    cp -r "$dir/narrate-$w-$s" "$dir/chart-$w-$s"
    "$bin" chart "$dir/chart-$w-$s" > "$dir/chart-$w-$s.stdout"
  done
done
for sw in ban_timing li_factors sensitivity; do
  "$bin" sweep "sweeps/$sw.ron" --out "$dir/sweep-$sw" > "$dir/sweep-$sw.stdout" 2>/dev/null
done
"$bin" compare worlds/baseline.ron worlds/no_ban.ron --replicates 50 --out "$dir/compare" --quiet > "$dir/compare.stdout"
"$bin" calibrate --replicates 20 > "$dir/calibrate.stdout"
echo "snapshot in $dir"
