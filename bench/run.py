"""The benchmark harness: one command, every measurement, targets and BENCHMARKS.md tables.

    python -m bench.run [--sizes 100,1000,10000] [--quick] [--duration 10] [--workers N]

For each size it generates (or reuses) the synthetic corpus in bench/out/, ingests it into a
fresh data folder in a child process (wall time, peak RSS via wait4, per-stage timings), builds
the SQLite FTS5 baseline over the same sentences, measures quote search in-process, serves the
archive with `policy-archive serve` and loads its pages with wrk (or an httpx client) on
127.0.0.1, then does the same for the two baselines (a bare FastAPI endpoint and Datasette),
and finally adds one document (an official, then its commentary) to the archive.
At the largest size it profiles exact-quote search and the slowest page with pyinstrument.
It prints every target with PASS/MISS, writes bench/out/results/*.json, and rewrites the
generated part of BENCHMARKS.md (between the bench:begin/bench:end markers).  A --quick run
leaves BENCHMARKS.md alone unless --md is given.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from bench import corpus as corpus_mod
from bench import cpu, fts, load, pgcache, procs, report, workload
from bench import pdf as pdf_bench
from bench import zh as zh_bench
from bench.measure import log, measure_load, worker_memory
from bench.procs import ROOT

OUT = ROOT / "bench" / "out"


# ---------------------------------------------------------------- corpus and ingest

def ensure_corpus(n: int, seed: int) -> tuple[Path, dict]:
    folder = OUT / f"corpus-{n}"
    info_file = OUT / f"corpus-{n}.json"
    if info_file.exists() and folder.is_dir():
        info = json.loads(info_file.read_text())
        if info.get("documents") == n and info.get("seed") == seed and len(list(folder.glob("*.txt"))) == n:
            return folder, info
    log(f"generating corpus of {n:,} documents")
    info = asdict(corpus_mod.generate(folder, n, seed, overwrite=True))
    info["seed"] = seed
    info_file.write_text(json.dumps(info))
    return folder, info


def ingest(data_dir: Path, paths: list[Path], log_name: str) -> dict:
    argv = [procs.python(), "-m", "bench.ingest_child", "--data-dir", str(data_dir), *map(str, paths)]
    with cpu.Watch() as watch:
        res = procs.run_measured(argv, log=OUT / "logs" / log_name)
    if res["returncode"] != 0:
        raise RuntimeError(f"ingest failed ({res['returncode']}); see {OUT / 'logs' / log_name}")
    summary = json.loads(res["stdout"].strip().splitlines()[-1])
    return {"wall_s": res["wall_s"], "maxrss_mb": res["maxrss_mb"], "tree_peak_mb": res["tree_peak_mb"], **summary,
            "cpu": watch.as_dict()}


def add_one(n: int, data_dir: Path, corpus: Path, seed: int) -> dict:
    """Add one official document, then its commentary, to the archive of `n` documents."""
    extra = OUT / f"extra-{n}"
    shutil.rmtree(extra, ignore_errors=True)
    index = corpus_mod.fresh_index(n)
    out = {}
    for kind in ("official", "commentary"):
        path = corpus_mod.write_one(extra, index, seed, kind=kind)
        r = ingest(data_dir, [corpus, extra], f"add-{kind}-{n}.log")
        r["slug"] = path.stem
        r["ok"] = r["added"] == 1 and r["changed"] == 0 and r["retired"] == 0
        out[kind] = r
        log(f"  add one {kind}: {r['wall_s']:.2f}s wall ({r['run_seconds']:.2f}s in run), "
            f"{r['added']} added / {r['unchanged']} unchanged")
    shutil.rmtree(extra, ignore_errors=True)
    return out


# ---------------------------------------------------------------- HTTP

def start_app(data_dir: Path, workers: int, tag: str) -> procs.Server:
    port = procs.free_port()
    argv = [procs.venv_bin("policy-archive"), "serve", "--data-dir", str(data_dir), "--port", str(port),
            "--workers", str(workers), "--log-level", "warning"]
    return procs.start_server("archive", argv, port, OUT / "logs" / f"serve-{tag}.log", probe="/healthz")


def start_factory(name: str, factory: str, workers: int, tag: str, probe: str = "/", env: dict | None = None):
    port = procs.free_port()
    argv = [procs.python(), "-m", "bench.serve", factory, "--port", str(port), "--workers", str(workers)]
    return procs.start_server(name, argv, port, OUT / "logs" / f"{name}-{tag}.log", probe=probe, env=env)


def http_phase(n: int, data_dir: Path, fts_db: Path, wl: workload.Workload, cfg) -> dict:
    out: dict = {"workers": cfg.workers, "connections": cfg.connections, "duration_s": cfg.duration,
                 "tool": load.tool_name(), "machine_before": cpu.cpu_busy()}
    out["quiet_before"] = cpu.wait_quiet(cfg.quiet_wait, cfg.quiet_threshold, log)
    log(f"  machine before load: {out['machine_before']}")

    # The archive.
    server = start_app(data_dir, cfg.workers, str(n))
    try:
        out["serve_first_response_s"] = server.first_response_s
        log(f"  serve: first answer after {server.first_response_s:.2f}s")
        probe = wl.api_search_paths("exact")[0]
        t0 = time.perf_counter()
        status, _ = procs.get(server.port, probe)
        out["first_search"] = {"status": status, "ms": (time.perf_counter() - t0) * 1000}
        search_ok = status == 200
        if not search_ok:
            log(f"  /api/search answered {status}: search measurements skipped")
        loads: dict[str, dict] = {}
        if search_ok:
            # First-time searches before the repeats: every answer is computed, none comes from the
            # page cache (and the repeats' terms are not in the posting cache yet).
            for kind in workload.KINDS:
                if wl.fresh.get(kind):
                    loads[f"api_search_{kind}_first"] = measure_load(
                        server, f"api/search {kind} 1st", wl.api_search_fresh_paths(kind), cfg, warm=False)
            if wl.fresh_page:
                loads["search_page_first"] = measure_load(
                    server, "search page 1st", wl.search_page_fresh_paths(), cfg, warm=False)
            for kind in workload.KINDS:
                loads[f"api_search_{kind}"] = measure_load(server, f"api/search {kind}", wl.api_search_paths(kind), cfg)
            loads["search_page"] = measure_load(server, "search page", wl.search_page_paths(), cfg)
        loads["reader"] = measure_load(server, "reader", wl.document_paths(), cfg)
        loads["theme"] = measure_load(server, "theme", wl.theme_paths(), cfg)
        loads["directive"] = measure_load(server, "directive", wl.directive_paths(), cfg)
        if wl.unvisited:
            # The page cache answers the loop above from memory; this is the cost of a first visit.
            loads["directive_first_visit"] = measure_load(
                server, "directive 1st", wl.unvisited_directive_paths(), cfg, warm=False)
        mixed = wl.mixed_paths() if search_ok else workload.interleave(
            wl.theme_paths() * 50, wl.document_paths(), wl.directive_paths())
        loads["mixed"] = measure_load(server, "mixed", mixed, cfg)
        loads["mixed"]["includes_search"] = search_ok
        out["app"] = loads
        out["app_memory"] = worker_memory(server)
        log(f"  archive workers RSS: {[round(m.get('VmRSS', 0)) for m in out['app_memory']]} MB")
    finally:
        server.stop()

    # Ceiling: a bare FastAPI endpoint served the same way.
    server = start_factory("minimal", "bench.minimal_app:create_app", cfg.workers, str(n))
    try:
        out["minimal_first_response_s"] = server.first_response_s
        out["minimal"] = measure_load(server, "minimal", ["/"], cfg)
        out["minimal_memory"] = worker_memory(server)
    finally:
        server.stop()
    # The same endpoint with the other worker count: what a second worker buys the bare stack
    # (and a check that multi-worker serving keeps TCP_NODELAY; see app/cli.py run_uvicorn).
    alt = 2 if cfg.workers == 1 else 1
    server = start_factory("minimal", "bench.minimal_app:create_app", alt, f"{n}-{alt}w")
    try:
        out["minimal_alt"] = measure_load(server, f"minimal {alt}w", ["/"], cfg)
        out["minimal_alt"]["workers"] = alt
    finally:
        server.stop()

    # Datasette over the same sentences (FTS5), same uvicorn workers.
    server = start_factory("datasette", "bench.datasette_app:create_app", cfg.workers, str(n),
                           probe=f"/{fts_db.stem}.json", env={"BENCH_DATASETTE_DB": str(fts_db)})
    try:
        out["datasette_first_response_s"] = server.first_response_s
        out["datasette"] = measure_load(server, "datasette search", wl.datasette_paths(db=fts_db.stem), cfg)
        out["datasette_memory"] = worker_memory(server)
    finally:
        server.stop()
    out["machine_after"] = cpu.cpu_busy(0.5)
    return out


# ---------------------------------------------------------------- one size

def run_size(n: int, cfg) -> dict:
    res: dict = {"documents": n}
    corpus, info = ensure_corpus(n, cfg.seed)
    res["corpus"] = info
    if cfg.zh_share:  # Chinese originals, each with an English translation the ingest aligns (#19)
        originals = round(n / 2 * cfg.zh_share)
        zh_bench.generate(corpus / "zh", originals, cfg.seed)
        res["corpus"] = {**info, "zh_originals": originals, "zh_translations": originals}
    data_dir = OUT / f"data-{n}"
    if cfg.skip_ingest and (data_dir / "archive.sqlite3").exists():
        log(f"{n:,} documents: reusing {data_dir} (--skip-ingest: no ingest numbers)")
        res["ingest"] = None
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        quiet = cpu.wait_quiet(cfg.quiet_wait, cfg.quiet_threshold, log)
        log(f"{n:,} documents: full ingest")
        res["ingest"] = ingest(data_dir, [corpus], f"ingest-{n}.log")
        res["ingest"]["cpu"]["before"] = quiet
        i = res["ingest"]
        log(f"  ingest: {i['wall_s']:.1f}s wall, peak RSS {i['maxrss_mb']:.0f} MB (with workers "
            f"{i['tree_peak_mb']:.0f} MB), {i['sentences']:,} sentences; "
            + ", ".join(f"{k} {v:.1f}s" for k, v in i["timings"].items())
            + f" (CPU used by others meanwhile: {i['cpu']['others_pct']:.0f}%)")
    archive_db = data_dir / "archive.sqlite3"

    fts_db = OUT / f"fts-{n}" / "sentences.db"
    res["fts_build"] = fts.build(archive_db, fts_db)
    log(f"  FTS5 baseline built: {res['fts_build']['rows']:,} rows in {res['fts_build']['build_s']:.1f}s")

    wl = workload.build(archive_db, n_queries=cfg.queries, n_pages=cfg.pages, seed=cfg.seed)
    wl_file = OUT / f"workload-{n}.json"
    wl_file.write_text(json.dumps({"queries": wl.queries, "sources": wl.sources, "documents": wl.documents,
                                   "themes": wl.themes, "directives": wl.directives, "extra": wl.extra,
                                   "unvisited": wl.unvisited, "fresh": wl.fresh, "fresh_page": wl.fresh_page}))
    res["workload"] = {"queries_per_kind": len(wl.queries["exact"]), "documents": len(wl.documents),
                       "themes": len(wl.themes), "directives": len(wl.directives), **wl.extra}

    log("  in-process search")
    argv = [procs.python(), "-m", "bench.inproc", "measure", "--data-dir", str(data_dir), "--fts", str(fts_db),
            "--workload", str(wl_file)] + (["--quick"] if cfg.quick else [])
    quiet = cpu.wait_quiet(cfg.quiet_wait, cfg.quiet_threshold, log)
    with cpu.Watch() as watch:
        r = procs.run_measured(argv, log=OUT / "logs" / f"inproc-{n}.log")
    if r["returncode"] != 0:
        raise RuntimeError(f"in-process measurements failed; see {OUT / 'logs' / f'inproc-{n}.log'}")
    res["inproc"] = json.loads(r["stdout"].strip().splitlines()[-1])
    res["inproc"]["cpu"] = {**watch.as_dict(), "before": quiet}
    ip = res["inproc"]
    log(f"  FTS5 phrase p50 {ip['fts5_phrase']['p50_ms']:.2f} ms; Whoosh phrase p50 {ip['whoosh_phrase']['p50_ms']:.2f} ms; "
        f"searcher open p50 {ip['searcher_open']['p50_ms']:.1f} ms")
    for kind, s in (ip.get("search") or {}).items():
        if isinstance(s, dict) and "p50_ms" in s:
            log(f"  search {kind:<8} p50 {s['p50_ms']:.2f}  p95 {s['p95_ms']:.2f}  p99 {s['p99_ms']:.2f} ms")
        else:
            log(f"  search {kind}: {s}")

    log("  HTTP")
    res["http"] = http_phase(n, data_dir, fts_db, wl, cfg)
    log("  cached pages, SQLite against PostgreSQL (a small archive of their own)")
    res["pg_cache"] = pgcache.measure(cfg.duration, cfg.connections, cfg.warmup, seed=cfg.seed, log=log)

    if not cfg.skip_add:
        log("  add one document")
        res["add_one"] = add_one(n, data_dir, corpus, cfg.seed)
    return res


def profile_phase(n: int, res: dict, cfg) -> dict:
    """pyinstrument: exact-quote search, the two archive pages with the highest median latency,
    and the directive page on first visits (it has targets of its own; repeat visits are cache hits)."""
    app_loads = {k: v for k, v in res["http"].get("app", {}).items() if k != "mixed"}
    ranked = sorted(app_loads, key=lambda k: -app_loads[k]["p50_ms"])
    directive = next((k for k in ("directive_first_visit", "directive") if k in app_loads), None)
    chosen = list(dict.fromkeys(ranked[:2] + ([directive] if directive else [])))
    wl = json.loads((OUT / f"workload-{n}.json").read_text())
    w = workload.Workload(wl["queries"], wl["sources"], wl["documents"], wl["themes"], wl["directives"],
                          unvisited=wl.get("unvisited", []), fresh=wl.get("fresh", {}),
                          fresh_page=wl.get("fresh_page", []))
    paths_by_name = {f"api_search_{k}": w.api_search_paths(k) for k in workload.KINDS}
    paths_by_name.update({f"api_search_{k}_first": w.api_search_fresh_paths(k) for k in workload.KINDS})
    paths_by_name["search_page_first"] = w.search_page_fresh_paths()
    paths_by_name.update(search_page=w.search_page_paths(), reader=w.document_paths(), theme=w.theme_paths(),
                         directive=w.directive_paths(), directive_first_visit=w.unvisited_directive_paths())
    prof_dir = OUT / "profiles"
    prof_dir.mkdir(parents=True, exist_ok=True)
    argv = [procs.python(), "-m", "bench.inproc", "profile", "--data-dir", str(OUT / f"data-{n}"),
            "--workload", str(OUT / f"workload-{n}.json"), "--seconds", str(cfg.profile_seconds),
            "--out", str(prof_dir)]
    for name in chosen:
        f = prof_dir / f"paths-{name}.txt"
        f.write_text("\n".join(paths_by_name[name]) + "\n")
        argv += ["--page", f"{name}={f}"]
    log(f"profiling exact-quote search and {', '.join(chosen)} at {n:,} documents")
    r = procs.run_measured(argv, log=OUT / "logs" / "profile.log")
    if r["returncode"] != 0:
        return {"error": f"profiling failed; see {OUT / 'logs' / 'profile.log'}"}
    out = json.loads(r["stdout"].strip().splitlines()[-1])
    out["hottest"] = ranked[:2]
    return out


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes (documents)")
    ap.add_argument("--quick", action="store_true", help="short measurements (3 s), fewer queries; no BENCHMARKS.md")
    ap.add_argument("--duration", type=float, help="seconds per load measurement (default 10, quick 3)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent HTTP clients (default 8)")
    ap.add_argument("--workers", type=int, default=1,
                    help="uvicorn workers for every server (default 1, as `policy-archive serve`)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zh-share", type=float, default=0.1,
                    help="Chinese originals (each with an English translation) added, as a share of the official "
                         "documents (default 0.1; 0 for none)")
    ap.add_argument("--skip-ingest", action="store_true", help="reuse bench/out/data-N if present (dev only)")
    ap.add_argument("--skip-add", action="store_true", help="skip the add-one-document measurement")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-pdf", action="store_true", help="skip the 300-page PDF ingest (bench.pdf)")
    ap.add_argument("--quiet-wait", type=float, default=60.0,
                    help="before each measurement, wait up to this many seconds for other processes to calm down")
    ap.add_argument("--quiet-threshold", type=float, default=15.0,
                    help="'calm': other processes use less than this %% of the CPU (default 15)")
    md = ap.add_mutually_exclusive_group()
    md.add_argument("--md", dest="md", action="store_true", default=None, help="update BENCHMARKS.md (default unless --quick)")
    md.add_argument("--no-md", dest="md", action="store_false")
    cfg = ap.parse_args(argv)
    cfg.sizes = [int(s.replace("_", "")) for s in cfg.sizes.split(",") if s.strip()]
    cfg.duration = cfg.duration or (3.0 if cfg.quick else 10.0)
    cfg.warmup = 1.0 if cfg.quick else 2.0
    cfg.queries = 60 if cfg.quick else 200
    cfg.pages = 60 if cfg.quick else 200
    cfg.profile_seconds = 3.0 if cfg.quick else 10.0
    if cfg.md is None:
        cfg.md = not cfg.quick
    return cfg


def main(argv=None) -> int:
    cfg = parse_args(argv)
    procs.install_cleanup()
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": cpu.machine_info(),
        "config": {k: v for k, v in vars(cfg).items()},
        "sizes": {},
    }
    log(f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"{results['machine']['ram_gb']} GB, Python {results['machine']['python']}; load: {results['machine']['load_tool']}")
    try:
        for n in cfg.sizes:
            results["sizes"][str(n)] = run_size(n, cfg)
        largest = str(max(cfg.sizes))
        if not cfg.no_profile:
            results["profile"] = profile_phase(int(largest), results["sizes"][largest], cfg)
        if not cfg.no_pdf:
            log("a 300-page PDF with running headers, ingested end to end")
            results["pdf"] = pdf_bench.measure(log=log)
    finally:
        procs.stop_all()
    results["seconds"] = time.perf_counter() - started
    results["targets"] = report.evaluate(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    res_dir = OUT / "results"
    res_dir.mkdir(parents=True, exist_ok=True)
    (res_dir / f"{stamp}.json").write_text(json.dumps(results, indent=1))
    print(report.console(results))
    if cfg.md:  # latest.json is the run BENCHMARKS.md shows (`python -m bench.report` re-renders it)
        (res_dir / "latest.json").write_text(json.dumps(results, indent=1))
        report.update_markdown(ROOT / "BENCHMARKS.md", results)
        log("BENCHMARKS.md updated")
    log(f"done in {results['seconds'] / 60:.1f} min; results in {res_dir / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
