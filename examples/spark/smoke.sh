#!/usr/bin/env bash
# Runs examples/spark/pipe.py locally (Spark in local mode) on the bundled samples plus two
# broken lines, when Java and pyspark are available (pip install pyspark). Not part of CI:
# pyspark is a ~300 MB download. Usage: examples/spark/smoke.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-python3}
command -v java > /dev/null || { echo "no java: skipped"; exit 0; }
"$python" -c "import pyspark" 2> /dev/null || { echo "no pyspark for $python (pip install pyspark): skipped"; exit 0; }
cargo build --release --quiet
work=$(mktemp -d)
"$python" -c "
import json,glob,os
with open('$work/corpus.jsonl','w') as f:
    for p in sorted(glob.glob('samples/*.txt')):
        f.write(json.dumps({'id': os.path.basename(p), 'text': open(p).read()}, ensure_ascii=False) + '\n')
    f.write('not json\n')
    f.write(json.dumps({'id': 'no-text'}) + '\n')"
CHISO_RULES="$PWD/rules" CHISO_PLUGIN_PATH="$PWD/plugins" PYSPARK_PYTHON="$python" \
  "$python" examples/spark/pipe.py "$work/corpus.jsonl" "$work/out" "$PWD/target/release/chiso" 2> "$work/spark.log" \
  || { tail -20 "$work/spark.log"; exit 1; }
rm -rf "$work"
