#!/usr/bin/env bash
# Long-document benchmark (issue 12): time per MB for generated documents of 0.25, 1 and 4 MB
# that are one long sentence on one line (a flattened table, a PDF text layer without full
# stops), against the same sizes of ordinary sentences, and a 50 MB single-line document.
# Each figure is the best of RUNS runs, with the peak RSS. Usage: [RUNS=3] benches/longdoc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
work=${CHISO_BENCH_DIR:-/tmp/chiso-longdoc}
mkdir -p "$work"
cargo build --release --quiet
bin=target/release/chiso

measure() { # label, file: best wall time of $runs runs, s/MB, MB/s, peak RSS
  local label=$1 file=$2 best="" peak=0 t secs kb
  local bytes; bytes=$(stat -c %s "$file")
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" "$bin" extract -q -j 1 --doc-timeout 0 "$file" > "$work/out.jsonl" 2> "$work/time.txt" || true
    t=$(tail -1 "$work/time.txt"); secs=${t% *}; kb=${t#* }
    if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc)" = 1 ]; then best=$secs; fi
    if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
  done
  printf '%-34s %6.2f MB %7.2f s %7.3f s/MB %7.1f MB/s  peak %6.1f MB  %5d records\n' "$label" \
    "$(echo "$bytes / 1000000" | bc -l)" "$best" "$(echo "$best * 1000000 / $bytes" | bc -l)" \
    "$(echo "$bytes / 1000000 / ($best + 0.001)" | bc -l)" "$(echo "$peak / 1024" | bc -l)" \
    "$(wc -l < "$work/out.jsonl")"
  echo "$best" > "$work/last.txt"
}

for size in 250000 1000000 4000000; do
  python3 benches/longdoc.py "$size" sentences "$work/sentences-$size.txt"
  python3 benches/longdoc.py "$size" one-sentence "$work/one-$size.txt"
  measure "ordinary sentences, $((size / 1000)) kB" "$work/sentences-$size.txt"; ordinary=$(cat "$work/last.txt")
  measure "one sentence, one line, $((size / 1000)) kB" "$work/one-$size.txt"; one=$(cat "$work/last.txt")
  echo "  one sentence / ordinary: $(echo "$one / $ordinary" | bc -l | cut -c1-4)x"
done
python3 benches/longdoc.py 50000000 one-sentence "$work/one-50000000.txt"
RUNS=1 measure "one sentence, one line, 50 MB" "$work/one-50000000.txt"
