#!/usr/bin/env bash
# Run the three built-in sweeps small and copy their charts to OUTDIR, to be
# looked at (issue 13: every study chart checked by looking).
#
#   tools/study_screenshots.sh OUTDIR [BINARY]
#
# BINARY defaults to target/release/chipban (built if missing). Each sweep is
# copied from the shipped file with fewer runs — ban_timing and li_factors 8
# replicates per cell, sensitivity 120 design points — so the three take a
# few seconds on 2 cores. OUTDIR gets <sweep>-<chart>.png for every chart,
# each study's report.html as <sweep>-report.html and its console summary
# as <sweep>.txt.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUTDIR [BINARY]" >&2; exit 2; }
out=$1
cd "$(dirname "$0")/.."
bin=${2:-target/release/chipban}
if [ ! -x "$bin" ]; then
  CARGO_PROFILE_RELEASE_INCREMENTAL=true cargo build --release
fi
bin=$(realpath "$bin")
mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for sw in ban_timing li_factors sensitivity; do
  # The shipped sweep with fewer runs; its world path is relative to the
  # sweep file, so the copy names the shipped world by its absolute path.
  sed -e 's/replicates: [0-9]*,/replicates: 8,/' \
      -e 's/samples: [0-9]*,/samples: 120,/' \
      -e "s#world: \"../worlds/#world: \"$PWD/worlds/#" \
      "sweeps/$sw.ron" > "$work/$sw.ron"
  if [ "$sw" = sensitivity ]; then
    sed -i 's/replicates: 8,/replicates: 1,/' "$work/$sw.ron"
  fi
  "$bin" sweep "$work/$sw.ron" --out "$work/out-$sw" --force --jobs 2 > "$out/$sw.txt"
  for png in "$work/out-$sw"/charts/*.png; do
    cp "$png" "$out/$sw-$(basename "$png")"
  done
  cp "$work/out-$sw/report.html" "$out/$sw-report.html"
done
echo "wrote the charts, reports and console summaries of the three sweeps to $out"
