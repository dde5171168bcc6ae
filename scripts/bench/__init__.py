"""Benchmark milvus-shell (and, where it can do the same thing, the official milvus_cli).

Measures, each several times, reporting the median and the spread:

  startup     time from process start to the first prompt on screen in a pseudo-terminal, and peak
              memory (VmHWM) at that moment and once the background warm-up has finished;
              the same for milvus_cli 1.2.1, installed into its own virtual environment
  overhead    `connect` to a local Milvus Lite, and the shell's cost on a small command: the
              command through Shell.run_line minus the same calls made directly with pymilvus
  completion  a keystroke that opens the completion menu, with 10,000 collections on the server and
              200,000 entries in the history file: in a pseudo-terminal, and in-process
  script      a 1,000-command script run with -f: commands per second
  query       `query C --limit all --format csv > file` on 1,000,000 and 100,000 rows: rows/s, peak RSS
  search      `search` (one dense vector; a hybrid of two) against pymilvus's search / hybrid_search of
              the same requests: per call in-process, and whole processes (-c against a script)
  insert      `insert C --file F` of a 100,000-row JSON-lines file (dim 128) against pymilvus's own
              MilvusClient.insert of the same batches, whole processes: rows/s, client CPU seconds

One module per section (startup.py, overhead.py, ...; each has ``run(report, args, servers, cache)``);
what they share is in common/. In-process shells come from the composition root
(milvus_shell.app.build_shell, milvus_shell.repl.interactive_shell). Servers are Milvus Lite processes
on free loopback ports, stopped by their own pid. Data sets (the collections, the row collections) are
built once under the cache directory and reused. Not part of the test suite.

Run from the repository root:

    python -m scripts.bench                               # everything, print the table
    python -m scripts.bench --quick                       # fewer runs
    python -m scripts.bench --write docs/performance.md   # and rewrite the doc
    python -m scripts.bench --only startup,overhead       # some sections
    python -m scripts.bench --quick --only query --query-rows 1000,10000   # a small check of one section
    python -m scripts.bench --quick --only insert --insert-rows 5000
    python -m scripts.bench --only import               # import jobs vs insert --file, on Milvus 2.3.5
"""

SECTIONS = ("startup", "overhead", "completion", "script", "query", "insert", "import", "search")
