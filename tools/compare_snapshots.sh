#!/usr/bin/env bash
# Compare two snapshots made by `tools/snapshot.sh` (before and after a
# refactor). Data files (world, CSV, JSON, journal, printed text) must be
# byte-identical; visuals (PNG, SVG, GIF, HTML) are listed when they differ,
# to be looked at before and after.
#
#   tools/compare_snapshots.sh BEFORE AFTER
#
# The build commit (summary.json's "build") differs between two binaries by
# design; it is masked before comparing. Exit 1 when a data file differs.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BEFORE AFTER" >&2; exit 2; }
a=$1; b=$2
build_of() { grep -rhoE '"build": *"[^"]*"' "$1" --include=summary.json | head -1 | sed -E 's/.*"([^"]*)"$/\1/'; }
ba=$(build_of "$a"); bb=$(build_of "$b")
# FILE BUILD ROOT -> a copy on stdout with the build, the snapshot's own
# folder and wall-clock times (printed lines only) masked
mask() {
  local f=$1 build=${2:-NO-BUILD} root
  root=$(realpath "$3")
  case "$f" in
    *.stdout) sed -e "s/$build/BUILD/g" -e "s#$root#SNAP#g" -E -e 's/in [0-9.]+ (s|ms)/in T/g' -e 's/[0-9.]+ runs\/s/R runs\/s/g' "$f" ;;
    *.png|*.gif) cat "$f" ;;
    *) sed -e "s/$build/BUILD/g" "$f" ;;
  esac
}
data_bad=0; vis=0; same=0
while IFS= read -r rel; do
  fa="$a/$rel"; fb="$b/$rel"
  if [ ! -e "$fb" ]; then echo "MISSING in after: $rel"; data_bad=1; continue; fi
  case "$rel" in
    *.png|*.gif|*.svg|*.html) kind=visual ;;
    *) kind=data ;;
  esac
  if cmp -s <(mask "$fa" "$ba" "$a") <(mask "$fb" "$bb" "$b"); then same=$((same+1)); continue; fi
  if [ $kind = data ]; then echo "DATA DIFFERS: $rel"; data_bad=1; else echo "visual differs: $rel"; vis=$((vis+1)); fi
done < <(cd "$a" && find . -type f | sort)
while IFS= read -r rel; do
  [ -e "$a/$rel" ] || { echo "EXTRA in after: $rel"; data_bad=1; }
done < <(cd "$b" && find . -type f | sort)
echo "identical: $same, visuals differing: $vis"
[ $data_bad -eq 0 ] && echo "data files: all identical" || echo "data files: DIFFER"
exit $data_bad
