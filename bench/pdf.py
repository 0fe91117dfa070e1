"""The long-PDF row: a generated 300-page, one-column report with a running header and page
numbers (about 150,000 words) ingested into a fresh archive, timed end to end.

    python -m bench.pdf [--pages 300] [--words-per-page 500]

The ingest runs in a child process (bench.ingest_child), as `policy-archive ingest` would, so
the time includes interpreter start, imports, text extraction and the whole pipeline.
The extraction alone is timed in this process too, to show how the time divides.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path

from bench import cpu, procs
from bench.procs import ROOT

OUT = ROOT / "bench" / "out"
TARGET_S = 30.0
HEADER = "Long-term Strategy for Artificial Intelligence"
_VOCABULARY = ("the ministry will assess systems that support decisions about people and publish its "
               "findings each year with evidence from audits testing and public consultation").split()


def make_report(pages: int = 300, words_per_page: int = 500) -> bytes:
    from fpdf import FPDF

    rng = random.Random(1)  # varied text, the same on every run
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    n = 0
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 8)
        pdf.text(15, 12, HEADER)
        pdf.set_font("Helvetica", "", 7)
        words = []
        for _ in range(words_per_page):
            word = rng.choice(_VOCABULARY)
            n += 1
            words.append(word.capitalize() if words and words[-1].endswith(".") else word)
            if n % 23 == 0:
                words[-1] += "."
        line, row = "", 0
        for word in words:
            if line and len(line) + 1 + len(word) > 120:
                pdf.text(15, 20 + row * 3.4, line)
                line, row = word, row + 1
            else:
                line = f"{line} {word}".strip()
        pdf.text(15, 20 + row * 3.4, line)
        pdf.text(100, 290, str(page))
    return bytes(pdf.output())


def measure(pages: int = 300, words_per_page: int = 500, log=print) -> dict:
    from app.text.formats import extract

    folder = OUT / "pdf-corpus"
    data_dir = OUT / "pdf-data"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    folder.mkdir(parents=True)
    log(f"generating a {pages}-page PDF")
    data = make_report(pages, words_per_page)
    pdf = folder / "long-strategy.pdf"
    pdf.write_bytes(data)
    (folder / "long-strategy.pdf.toml").write_text(
        'title = "Long-term Strategy for Artificial Intelligence"\nkind = "official"\n'
        'slug = "long-strategy"\ndate = "2025-01-15"\npublisher = "Benchmark Ministry"\n')
    started = time.perf_counter()
    got = extract(".pdf", data)
    extract_s = time.perf_counter() - started
    words = len(got.text.split())
    header_left = sum(HEADER in line for line in got.text.splitlines())
    quiet = cpu.wait_quiet(60.0, 15.0, log)  # other processes' load would be counted as ours
    argv = [procs.python(), "-m", "bench.ingest_child", "--data-dir", str(data_dir), str(folder)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = procs.run_measured(argv, log=OUT / "logs" / "ingest-pdf.log")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds as well as wall time: on a machine others load, wall time says little alone.
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res["returncode"] != 0:
        raise RuntimeError(f"PDF ingest failed; see {OUT / 'logs' / 'ingest-pdf.log'}")
    summary = json.loads(res["stdout"].strip().splitlines()[-1])
    out = {"pages": pages, "pdf_mb": len(data) / 1e6, "words": words, "header_lines_left": header_left,
           "extract_s": extract_s, "ingest_wall_s": res["wall_s"], "ingest_cpu_s": cpu_s, "maxrss_mb": res["maxrss_mb"],
           "documents": summary["documents"], "sentences": summary["sentences"],
           "target_s": TARGET_S, "cpu_before": quiet, "ok": res["wall_s"] < TARGET_S and summary["documents"] == 1}
    log(f"  {pages} pages, {words:,} words: extraction {extract_s:.1f} s, ingest (child, end to end) "
        f"{res['wall_s']:.1f} s ({cpu_s:.1f} s of CPU), {summary['sentences']:,} sentences -> {'PASS' if out['ok'] else 'MISS'} "
        f"(target < {TARGET_S:.0f} s)")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--words-per-page", type=int, default=500)
    args = ap.parse_args(argv)
    result = measure(args.pages, args.words_per_page, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
