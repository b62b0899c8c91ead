"""chiso inside Spark: each partition of a JSONL corpus is piped through one `chiso extract
--stdin-jsonl` process (rules loaded once per process), and the records come back as JSON
lines, one per figure, with the document's id in `doc`; documents that fail come back as
`{"doc": …, "error": …}`.

    spark-submit pipe.py CORPUS.jsonl OUT_DIR [CHISO_BINARY] [PLUGINS_DIR]

The chiso binary (and its rules/ and plugins/ folders) must be on every worker, e.g. shipped
with `--files`/`--archives` or installed in the image; set CHISO_RULES / CHISO_PLUGIN_PATH for
them when they are not beside the binary.
"""
import json
import os
import shlex
import sys

from pyspark.sql import SparkSession


def main(corpus, out_dir, binary="chiso", plugins=None):
    spark = SparkSession.builder.appName("chiso").getOrCreate()
    sc = spark.sparkContext
    command = [binary, "extract", "--stdin-jsonl", "--quiet"]
    if plugins:
        command += ["--plugins", plugins]
    env = {k: v for k, v in os.environ.items() if k.startswith("CHISO_")}

    lines = sc.textFile(corpus)                      # one document per line
    out = lines.pipe(shlex.join(command), env=env)   # RDD.pipe: stdin → stdout, per partition
    parsed = out.map(json.loads)
    records = parsed.filter(lambda r: "error" not in r)
    errors = parsed.filter(lambda r: "error" in r)

    records.map(json.dumps).saveAsTextFile(os.path.join(out_dir, "records"))
    errors.map(json.dumps).saveAsTextFile(os.path.join(out_dir, "errors"))
    by_indicator = records.map(lambda r: (r["indicator"], 1)).reduceByKey(lambda a, b: a + b).collect()
    print(f"chiso via RDD.pipe: {lines.count()} documents, {records.count()} records, {errors.count()} errors")
    for indicator, n in sorted(by_indicator):
        print(f"  {indicator}: {n}")
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
