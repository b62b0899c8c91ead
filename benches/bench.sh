#!/usr/bin/env bash
# Throughput benchmark: chiso on the shared news corpus (folder of .txt and one JSONL file),
# against a Python multiprocessing baseline and ripgrep scanning for the same trigger words.
# Prints MB/s, docs/s, peak RSS and the ratios. Usage: [RUNS=3] benches/bench.sh [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
runs=${RUNS:-3}   # each figure is the best of this many runs
corpus=../shared/corpus/bench/baomoi-2017.jsonl.gz
work=${CHISO_BENCH_DIR:-/tmp/chiso-bench}
mkdir -p "$work/txt"
[ -s "$work/corpus.jsonl" ] || zcat "$corpus" > "$work/corpus.jsonl"
if [ "$(ls "$work/txt" | wc -l)" -lt 1000 ]; then
  python3 -c "
import json,os,sys
for d in map(json.loads, open('$work/corpus.jsonl')):
    open(os.path.join('$work/txt', d['id']), 'w').write(d['text'])"
fi
[ -s "$work/corpus4.jsonl" ] || for i in 1 2 3 4; do cat "$work/corpus.jsonl"; done > "$work/corpus4.jsonl"
cargo build --release --quiet
bin=target/release/chiso
bytes=$(python3 -c "import json;print(sum(len(json.loads(l)['text'].encode()) for l in open('$work/corpus.jsonl')))")
docs=$(wc -l < "$work/corpus.jsonl")

measure() { # label, command...: the best wall time of $runs runs, and the highest peak RSS
  local label=$1; shift
  local best="" peak=0 t secs kb
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" "$@" > /dev/null 2> "$work/time.txt" || true
    t=$(tail -1 "$work/time.txt"); secs=${t% *}; kb=${t#* }
    if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc)" = 1 ]; then best=$secs; fi
    if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
  done
  printf '%-36s %6.2f s %7.1f MB/s %7.0f docs/s  peak %6.1f MB\n' "$label" "$best" \
    "$(echo "$bytes / 1000000 / $best" | bc -l)" "$(echo "$docs / $best" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
  echo "$best" > "$work/last.txt"
}

echo "corpus: $docs documents, $((bytes / 1000000)) MB of text; $threads threads; best of $runs runs"
"$bin" extract -q -j "$threads" "$work/txt" > /dev/null   # warm the page cache
measure "chiso (.txt folder)" "$bin" extract -q -j "$threads" "$work/txt"; folder=$(cat "$work/last.txt")
measure "chiso (.txt folder, 1 thread)" "$bin" extract -q -j 1 "$work/txt"; one=$(cat "$work/last.txt")
echo "scaling 1 -> $threads threads: $(echo "$one / $folder" | bc -l | cut -c1-4)x"
measure "chiso (JSONL)" "$bin" extract -q -j "$threads" "$work/corpus.jsonl"; jsonl=$(cat "$work/last.txt")
measure "chiso (JSONL, -o + metadata)" "$bin" extract -q -j "$threads" -o "$work/out.jsonl" "$work/corpus.jsonl"
measure "chiso (JSONL, --resume, unchanged)" "$bin" extract -q -j "$threads" -o "$work/out.jsonl" --resume "$work/corpus.jsonl"
docs4=$docs; bytes4=$bytes; docs=$((docs * 4)); bytes=$((bytes * 4))
measure "chiso (JSONL x4, memory)" "$bin" extract -q -j "$threads" "$work/corpus4.jsonl"
docs=$docs4; bytes=$bytes4
measure "python baseline (JSONL)" python3 benches/baseline.py "$work/corpus.jsonl" "$threads"; py=$(cat "$work/last.txt")
measure "python, read + NFC only" python3 benches/baseline.py "$work/corpus.jsonl" "$threads" --read-only
echo "ratio python / chiso (JSONL): $(echo "$py / $jsonl" | bc -l | cut -c1-5)x"
if command -v rg > /dev/null; then
  python3 benches/baseline.py --anchors > "$work/triggers.txt"
  measure "rg (trigger words, .txt)" rg -i -c -j "$threads" -F -f "$work/triggers.txt" "$work/txt"; rgs=$(cat "$work/last.txt")
  echo "ratio chiso / rg (.txt): $(echo "$folder / $rgs" | bc -l | cut -c1-5)x"
else
  echo "rg not installed (apt-get install ripgrep): ratio to ripgrep not measured"
fi
