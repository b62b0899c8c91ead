#!/usr/bin/env bash
# The Spark path end to end: examples/spark/pipe.py in Spark's local mode (local[2], the corpus
# forced into 3 partitions) on a corpus made of the bundled samples and broken lines, checked
# against `chiso extract` on the same file:
#   - Spark's records, sorted, are `chiso extract --errors-as-records corpus.jsonl`'s records,
#     sorted, line for line; the same for the error records;
#   - the samples' records are `chiso extract samples/`'s, line for line (sorted);
#   - broken lines and id-less documents are named by their line in corpus.jsonl
#     (`corpus.jsonl:12`), including lines that Spark put in a later partition;
#   - chiso ran once per partition (the piped RDD is persisted although records, errors and
#     counts are each computed from it): counted by a wrapper around the binary and by pipe.py's
#     accumulator, and every corpus line reached chiso exactly once.
# Then the cluster recipe of examples/spark/README.md (the binary, rules and plugins shipped with
# --archives and found by relative paths) on a two-executor standalone cluster (local-cluster),
# with the same records and errors.
# Installs what it needs and fails loudly when it cannot: a Java runtime (Debian's headless JRE)
# when `java` is missing, and pyspark (pinned) in a venv cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/chiso-ci/spark-venv.
#
# Usage: .ci/spark.sh [CHISO_BINARY]   (default: ${CARGO_TARGET_DIR:-target}/release/chiso, built
# with `cargo build --release --locked` when no binary is given)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PYSPARK_VERSION=4.0.1          # Spark 4.0: Java 17 or 21, Python 3.9 or later
PARTITIONS=3

say() { echo "== spark: $*" >&2; }
fail() {
  echo "spark.sh: FAILED: $*" >&2
  exit 1
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo > /dev/null 2>&1; then sudo "$@"; else
    fail "need root (or sudo) to run: $*"
  fi
}
apt_updated=
apt_install() {
  command -v apt-get > /dev/null 2>&1 || fail "apt-get is not here to install $*; install it yourself"
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq || fail "apt-get update failed"
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}

# ---- the binary
if [ $# -ge 1 ]; then
  bin=$1
else
  say "building the release binary"
  [ -c /dev/null ] || : > /dev/null # see .ci/run: cargo probes rustc with /dev/null
  cargo build --release --locked --quiet
  bin=${CARGO_TARGET_DIR:-target}/release/chiso
fi
[ -x "$bin" ] || fail "no chiso binary at $bin"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# ---- Java: Spark 4.0 runs on 17 or 21
java_major() { java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java > /dev/null 2>&1; then
  say "no java: installing Debian's headless JRE"
  apt_install default-jre-headless || true
fi
if ! command -v java > /dev/null 2>&1 || ! [[ $(java_major) =~ ^(17|21)$ ]]; then
  found=$(command -v java > /dev/null 2>&1 && java_major || echo none)
  say "java $found: Spark $PYSPARK_VERSION needs 17 or 21; installing openjdk"
  for v in 21 17; do
    if apt_install "openjdk-$v-jre-headless"; then
      JAVA_HOME=$(find /usr/lib/jvm -maxdepth 1 -name "java-$v-openjdk*" | head -1)
      export JAVA_HOME
      export PATH=$JAVA_HOME/bin:$PATH
      break
    fi
  done
fi
command -v java > /dev/null 2>&1 || fail "no Java runtime, and none could be installed"
[[ $(java_major) =~ ^(17|21)$ ]] || fail "java $(java_major) here; Spark $PYSPARK_VERSION needs 17 or 21"

# ---- pyspark in a cached venv
if ! command -v python3 > /dev/null 2>&1; then
  say "no python3: installing it"
  apt_install python3 || fail "python3 could not be installed"
fi
cache=${XDG_CACHE_HOME:-${HOME:?}/.cache}/chiso-ci
venv=$cache/spark-venv
ready=$venv/.chiso-pyspark-$PYSPARK_VERSION
if [ ! -f "$ready" ] || ! "$venv/bin/python" -c 'import pyspark' 2> /dev/null; then
  say "installing pyspark $PYSPARK_VERSION into $venv (a ~400 MB download)"
  rm -rf "$venv"
  mkdir -p "$cache"
  if ! python3 -m venv "$venv" > /dev/null 2>&1; then
    rm -rf "$venv"
    apt_install python3-venv || fail "python3-venv could not be installed"
    python3 -m venv "$venv" || fail "python3 -m venv failed"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "pyspark==$PYSPARK_VERSION" \
    || fail "pip install pyspark==$PYSPARK_VERSION failed"
  touch "$ready"
fi
py=$venv/bin/python
"$py" -c "import pyspark; assert pyspark.__version__ == '$PYSPARK_VERSION', pyspark.__version__" \
  || fail "pyspark $PYSPARK_VERSION is not importable from $venv"
say "java $(java_major), pyspark $PYSPARK_VERSION, $("$py" --version), $("$bin" --version)"

# ---- the corpus: the samples, id-less documents, and lines that fail in every way
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHISO_RULES=$root/rules CHISO_PLUGIN_PATH=$root/plugins
"$py" - "$work" << 'PY'
import glob, json, os, sys

work = sys.argv[1]
samples = sorted(glob.glob("samples/*.txt"))
assert len(samples) >= 5, samples
doc = lambda p, **kw: json.dumps(dict(kw, text=open(p, encoding="utf-8").read()), ensure_ascii=False)
lines, errors = [], []          # the corpus; the names of its lines that must fail

def broken(line, name=None):
    lines.append(line)
    errors.append(name or f"corpus.jsonl:{len(lines)}")

lines.append(doc(samples[0], id=os.path.basename(samples[0])))
broken("not json at all")
lines.append(doc(samples[1], id=os.path.basename(samples[1])))
broken(json.dumps({"id": "no-text", "body": "Năm 2021 kết nạp 95 đảng viên"}), "no-text")
lines.append("")                                           # blank: counted, not a document
lines.append(doc(samples[2], source="id-less"))            # named corpus.jsonl:6
broken("[1, 2, 3]")
lines.append(doc(samples[3], id=os.path.basename(samples[3])))
broken(json.dumps({"id": "text-not-string", "text": 42}), "text-not-string")
broken(json.dumps({"id": "empty", "text": "   "}), "empty")
lines.append(doc(samples[4], id=os.path.basename(samples[4])))
for p in samples[5:]:
    lines.append(doc(p, id=os.path.basename(p)))
lines.append(doc(samples[0]))                               # id-less, in the last partition
broken('{"id": "truncated", "text": "Năm 2021, huyện Lục Nam kết nạp')
lines.append(doc(samples[1], id="copy-of-" + os.path.basename(samples[1])))
broken("nor is this")
with open(os.path.join(work, "corpus.jsonl"), "w", encoding="utf-8") as f:
    f.write("".join(l + "\n" for l in lines))
with open(os.path.join(work, "expected-errors"), "w", encoding="utf-8") as f:
    f.write("".join(sorted(e + "\n" for e in errors)))
PY
corpus=$work/corpus.jsonl
nlines=$(wc -l < "$corpus")

# ---- what chiso says without Spark
"$bin" extract --quiet --errors-as-records "$corpus" > "$work/plain.jsonl" 2> "$work/plain.stderr"
split() { # split JSONL PREFIX: PREFIX.records and PREFIX.errors, each sorted
  "$py" -c '
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
for kind, keep in (("records", False), ("errors", True)):
    with open(sys.argv[2] + "." + kind, "w", encoding="utf-8") as f:
        f.writelines(l + "\n" for l in lines if ("error" in json.loads(l)) == keep)' "$1" "$2"
  LC_ALL=C sort -o "$2.records" "$2.records"
  LC_ALL=C sort -o "$2.errors" "$2.errors"
}
split "$work/plain.jsonl" "$work/plain"
"$bin" extract --quiet samples/ | LC_ALL=C sort > "$work/samples.records"

# ---- the Spark run, through a wrapper that keeps what each chiso process was sent
mkdir "$work/runs"
cat > "$work/chiso-counted" << SH
#!/usr/bin/env bash
# One file per chiso process: the lines it was sent.
set -o pipefail
tee "\$(mktemp "$work/runs/run.XXXXXX")" | "$bin" "\$@"
SH
chmod +x "$work/chiso-counted"
submit() { # submit NAME MASTER [spark-submit options…] -- [pipe.py arguments after CORPUS OUT_DIR]
  local name=$1 master=$2
  shift 2
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  say "$name: pipe.py in $master, $PARTITIONS partitions, $nlines lines"
  local start=$SECONDS
  if ! PYSPARK_PYTHON=$py PYSPARK_DRIVER_PYTHON=$py SPARK_LOCAL_IP=127.0.0.1 \
    "$venv/bin/spark-submit" --master "$master" --conf spark.ui.enabled=false \
    --conf spark.driver.memory=1g "${opts[@]}" \
    "$root/examples/spark/pipe.py" "$corpus" "$work/$name" "$@" --partitions "$PARTITIONS" \
    > "$work/$name.stdout" 2> "$work/$name.log"; then
    tail -40 "$work/$name.log" >&2
    fail "spark-submit ($name) failed (its log's end is above)"
  fi
  say "$name: spark-submit took $((SECONDS - start)) s"
  cat "$work/$name.stdout" >&2
  cat "$work/$name/records"/part-* | LC_ALL=C sort > "$work/$name.records"
  cat "$work/$name/errors"/part-* | LC_ALL=C sort > "$work/$name.errors"
}
submit spark 'local[2]' -- "$work/chiso-counted"

# ---- the comparisons
status=0
same() { # same WHAT EXPECTED GOT
  if cmp -s "$2" "$3"; then
    echo "ok: $1 ($(wc -l < "$3") lines)" >&2
  else
    echo "MISMATCH: $1" >&2
    diff -u --label "expected ($(basename "$2"))" --label "got ($(basename "$3"))" "$2" "$3" \
      | cut -c1-400 >&2 || true
    status=1
  fi
}
same "Spark's records = chiso extract corpus.jsonl's records" "$work/plain.records" "$work/spark.records"
same "Spark's errors = chiso extract corpus.jsonl's errors" "$work/plain.errors" "$work/spark.errors"
"$py" - "$work" << 'PY' || status=1
import glob, json, os, sys

work = sys.argv[1]
read = lambda p: [l for l in open(os.path.join(work, p), encoding="utf-8").read().split("\n") if l]
records = [json.loads(l) for l in read("spark.records")]
errors = [json.loads(l) for l in read("spark.errors")]
summary = json.loads(read("spark/summary/part-00000")[0])
ok = True

def check(cond, what):
    global ok
    print(("ok: " if cond else "MISMATCH: ") + what, file=sys.stderr)
    ok = ok and cond

# The error records name the corpus's own lines, and say which line.
named = sorted(e["doc"] for e in errors)
check(named == read("expected-errors"), f"error records name the corpus's lines: {named}")
for e in errors:
    if e["doc"].startswith("corpus.jsonl:"):
        n = e["doc"].split(":")[1]
        check(e["error"].startswith(f"line {n}: "), f'{e["doc"]} says «{e["error"][:60]}»')

# The samples given their file name as id have the records `chiso extract samples/` gives them.
ids = {json.loads(l).get("id") for l in read("corpus.jsonl") if l.startswith("{") and l.endswith("}")}
samples = {os.path.basename(p) for p in glob.glob("samples/*.txt")} & ids
mine = sorted(l for l, r in zip(read("spark.records"), records) if r["doc"] in samples)
theirs = sorted(l for l in read("samples.records") if json.loads(l)["doc"] in samples)
check(len(samples) >= 4 and mine == theirs,
      f"the records of {len(samples)} samples ({len(mine)}) = chiso extract samples/'s")
idless = sorted({r["doc"] for r in records if r["doc"].startswith("corpus.jsonl:")})
check(len(idless) == 2, f"id-less documents named by their line: {idless}")

# One chiso process per partition, every line sent once, and errors in several partitions.
runs = []
for p in glob.glob(os.path.join(work, "runs", "run.*")):
    numbers = [int(l.split("\t", 1)[0]) for l in open(p, encoding="utf-8").read().split("\n") if l]
    runs.append(numbers)
parts = summary["partitions"]
check(parts >= 3, f"the corpus was split into {parts} partitions")
check(len(runs) == parts, f"{len(runs)} chiso processes for {parts} partitions")
check(summary["chiso_runs"] == parts, f"pipe.py's accumulator: {summary['chiso_runs']} chiso runs")
sent = sorted(n for r in runs for n in r)
total = sum(1 for _ in open(os.path.join(work, "corpus.jsonl"), encoding="utf-8"))
check(sent == list(range(1, total + 1)), f"each of the {total} lines was sent to chiso once")
first = max(len(r) for r in runs if r and r[0] == 1)
late = [e["doc"] for e in errors if e["doc"].startswith("corpus.jsonl:") and int(e["doc"].split(":")[1]) > first]
check(bool(late), f"errors past the first partition's {first} lines keep their corpus line: {late}")
check(summary["records"] == len(records) and summary["errors"] == len(errors)
      and summary["lines"] == total, f"summary: {summary['records']} records, {summary['errors']} errors, {summary['lines']} lines")
print(f"spark: {len(records)} records and {len(errors)} errors compared; "
      f"{len(runs)} chiso runs for {parts} partitions ({[len(r) for r in sorted(runs)]} lines each)",
      file=sys.stderr)
sys.exit(0 if ok else 1)
PY
[ "$status" = 0 ] || fail "Spark's output differs from chiso's (see above)"

# ---- the cluster recipe of examples/spark/README.md: the binary, rules and plugins shipped as
# an archive, unpacked in each executor's working directory and found there by relative paths
# (spark.executorEnv), on a small standalone cluster of two executors (local-cluster).
mkdir "$work/pack"
cp "$bin" "$work/pack/chiso"
cp -r rules plugins "$work/pack/"
tar -czf "$work/chiso-pack.tar.gz" -C "$work/pack" .
(
  cd "$work"
  unset CHISO_RULES CHISO_PLUGIN_PATH
  # Spark's own files, seen from a folder of this run: the workers' folders (SPARK_HOME/work)
  # go there, not into the cached venv.
  pyspark_home=$("$py" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
  mkdir "$work/spark-home"
  for f in "$pyspark_home"/*; do [ "$(basename "$f")" = work ] || ln -s "$f" "$work/spark-home/"; done
  export SPARK_HOME=$work/spark-home
  submit cluster 'local-cluster[2,1,1024]' --archives "$work/chiso-pack.tar.gz#chiso" \
    --conf spark.executorEnv.CHISO_RULES=chiso/rules \
    --conf spark.executorEnv.CHISO_PLUGIN_PATH=chiso/plugins -- chiso/chiso
)
same "the cluster recipe's records = chiso extract corpus.jsonl's records" "$work/plain.records" "$work/cluster.records"
same "the cluster recipe's errors = chiso extract corpus.jsonl's errors" "$work/plain.errors" "$work/cluster.errors"
"$py" - "$work/cluster/summary/part-00000" << 'PY' || status=1
import json, sys
s = json.loads(open(sys.argv[1], encoding="utf-8").readline())
ok = s["chiso_runs"] == s["partitions"] >= 3
print(("ok: " if ok else "MISMATCH: ") + f"cluster: {s['chiso_runs']} chiso runs for {s['partitions']} partitions",
      file=sys.stderr)
sys.exit(0 if ok else 1)
PY
[ "$status" = 0 ] || fail "the cluster recipe's output differs from chiso's (see above)"
echo "spark: passed" >&2
