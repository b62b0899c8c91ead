"""chiso inside Spark: each partition of a JSONL corpus is piped through one `chiso extract
--stdin-jsonl` process (rules loaded once per process), and the records come back as JSON
lines, one per figure, with the document's id in `doc`; documents that fail come back as
`{"doc": …, "error": …}`.

    spark-submit pipe.py CORPUS.jsonl OUT_DIR [CHISO_BINARY] [PLUGINS_DIR]
        [--partitions N] [--id-field F] [--text-field F]

OUT_DIR (which must not exist; any file system Spark writes) receives `records/` and `errors/`
(JSONL part files, the lines exactly as chiso wrote them) and `summary/` (one JSON line: lines,
partitions, chiso runs, records, errors, records per indicator); the summary is printed on
stdout too.

Lines are named as `chiso extract CORPUS.jsonl` names them. Every line is sent with its line
number in the corpus (`zipWithIndex`, then `N<TAB>{json}` and `chiso extract --numbered`), and
the corpus's file name (`--stdin-name`), so a broken line, or a document without an id, is
`corpus.jsonl:12` whichever partition it fell in, and the error says `line 12: …`. The records
and errors are the same lines as `chiso extract --errors-as-records corpus.jsonl` writes
(another order). Spark's line reader also ends a line at a lone carriage return and reads
bytes that are not UTF-8 as U+FFFD, where chiso would report them: keep the corpus UTF-8 with
`\\n` line ends. A corpus of several files (a folder, a glob) is numbered as one file, in the
order Spark lists them.

The piped RDD is persisted (memory and disk), so chiso runs once per partition although the
records, the errors and the counts are each computed from it; `chiso_runs` in the summary
(an accumulator) says how many times a partition was piped: the number of partitions, unless
a task was retried.

On a cluster, ship the binary with its rules and plugins as an archive: the workers unpack it
in their working directory, where a relative path finds it. The binary finds `rules/` and
`plugins/` beside itself, or where CHISO_RULES / CHISO_PLUGIN_PATH say:

    mkdir -p pack && cp target/release/chiso pack/ && cp -r rules plugins pack/
    tar -czf chiso-pack.tar.gz -C pack .
    spark-submit --master yarn --archives chiso-pack.tar.gz#chiso \\
        --conf spark.executorEnv.CHISO_RULES=chiso/rules \\
        --conf spark.executorEnv.CHISO_PLUGIN_PATH=chiso/plugins \\
        pipe.py hdfs:///corpora/news.jsonl hdfs:///out/news chiso/chiso

The binary must be built for the workers' platform (Linux x86-64, say; a static musl build
runs on any of them). chiso runs with only the environment this script gives it (RDD.pipe
replaces the worker's): CHISO_* variables of the driver, overridden by the
`spark.executorEnv.CHISO_*` settings, and PATH likewise.
"""
import argparse
import json
import os
import shlex
import sys

from pyspark import SparkContext, StorageLevel


def chiso_env(conf):
    """The environment chiso runs in on the workers: the driver's CHISO_* and PATH, overridden
    by spark.executorEnv.* settings."""
    env = {k: v for k, v in os.environ.items() if k.startswith("CHISO_")}
    env["PATH"] = os.environ.get("PATH", os.defpath)
    prefix = "spark.executorEnv."
    for key, value in conf.getAll():
        name = key[len(prefix):]
        if key.startswith(prefix) and (name.startswith("CHISO_") or name == "PATH"):
            env[name] = value
    return env


def run(sc, corpus, out_dir, binary="chiso", plugins=None, partitions=None,
        id_field="id", text_field="text"):
    """Pipe CORPUS through chiso, write OUT_DIR, return the summary (a dict)."""
    name = os.path.basename(corpus.rstrip("/"))
    command = [binary, "extract", "--stdin-jsonl", "--quiet", "--numbered",
               "--stdin-name", name, "--id-field", id_field, "--text-field", text_field]
    if plugins:
        command += ["--plugins", plugins]

    lines = sc.textFile(corpus, minPartitions=partitions)            # one document per line
    numbered = lines.zipWithIndex().map(lambda li: f"{li[1] + 1}\t{li[0]}")
    runs = sc.accumulator(0)

    def counted(partition):
        runs.add(1)                  # one chiso process per computed partition of the pipe
        return partition

    out = (numbered.pipe(shlex.join(command), env=chiso_env(sc.getConf()), checkCode=True)
           .mapPartitions(counted)
           .persist(StorageLevel.MEMORY_AND_DISK))
    parsed = out.map(lambda line: (line, json.loads(line)))
    records = parsed.filter(lambda lr: "error" not in lr[1])
    errors = parsed.filter(lambda lr: "error" in lr[1])

    records.keys().saveAsTextFile(os.path.join(out_dir, "records"))
    errors.keys().saveAsTextFile(os.path.join(out_dir, "errors"))
    by_indicator = dict(records.map(lambda lr: (lr[1]["indicator"], 1))
                        .reduceByKey(lambda a, b: a + b).collect())
    summary = {
        "corpus": corpus,
        "lines": lines.count(),
        "partitions": out.getNumPartitions(),
        "records": records.count(),
        "errors": errors.count(),
        "by_indicator": dict(sorted(by_indicator.items())),
    }
    summary["chiso_runs"] = runs.value
    out.unpersist()
    summary_line = json.dumps(summary, ensure_ascii=False)
    sc.parallelize([summary_line], 1).saveAsTextFile(os.path.join(out_dir, "summary"))
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus")
    p.add_argument("out_dir")
    p.add_argument("binary", nargs="?", default="chiso")
    p.add_argument("plugins", nargs="?")
    p.add_argument("--partitions", type=int, help="at least this many partitions (minPartitions)")
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    a = p.parse_args(argv)
    sc = SparkContext.getOrCreate()
    sc.setLogLevel("WARN")
    try:
        s = run(sc, a.corpus, a.out_dir, a.binary, a.plugins, a.partitions,
                a.id_field, a.text_field)
    finally:
        sc.stop()
    print(f"chiso via RDD.pipe: {s['lines']} lines, {s['partitions']} partitions, "
          f"{s['chiso_runs']} chiso runs; {s['records']} records, {s['errors']} errors")
    for indicator, n in s["by_indicator"].items():
        print(f"  {indicator}: {n}")


if __name__ == "__main__":
    sys.exit(main())
