"""Profiles with pyinstrument: where a request's time goes.

pyinstrument samples the thread it was started on.  FastAPI runs sync endpoints and their
dependencies in a thread pool, so for the HTTP profile the app is driven in-process through
httpx's ASGI transport with anyio's thread offload replaced by an inline call: every line of
the request (middleware, routing, the endpoint, the database, the template) then runs on the
profiled thread.  uvicorn's own HTTP parsing is not in this profile; the gap between the load
test and this in-process loop shows its share.

(py-spy would sample real workers, but it cannot read process memory in this sandbox:
"Failed to find python version from target process".)
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path


def _key(frame) -> str:
    path = frame.file_path_short or frame.file_path or "?"
    return f"{frame.function} ({path}:{frame.line_no})"


def _package(path: str | None) -> str:
    """Where a frame's code lives: the archive's own module, a library, the templates, or Python."""
    if not path:
        return "?"
    if "/site-packages/" in path:
        top = path.split("/site-packages/", 1)[1].split("/", 1)[0]
        return top[:-3] if top.endswith(".py") else top
    if "/templates/" in path:
        return "templates (Jinja2 compiled)"
    if "/app/" in path and "/lib/python" not in path:
        return "app/" + path.rsplit("/app/", 1)[1]
    if "/bench/" in path:
        return "bench (driver)"
    return "python stdlib"


def summarize(session, n: int = 10) -> dict:
    """Inclusive and self time per function, self time per package, as % of the profile."""
    root = session.root_frame()
    if root is None:
        return {"top_inclusive": [], "top_self": [], "packages": [], "top_app": []}
    total = root.time or 1e-9
    inclusive: dict[str, float] = defaultdict(float)
    self_time: dict[str, float] = defaultdict(float)
    package_of: dict[str, str] = {}
    packages: dict[str, float] = defaultdict(float)

    def walk(frame, on_path: frozenset) -> None:
        if frame.is_synthetic:  # "[self]"/"[await]": already counted in the parent's total_self_time
            return
        key = _key(frame)
        package_of[key] = _package(frame.file_path)
        if key not in on_path:
            inclusive[key] += frame.time
        self_time[key] += frame.total_self_time
        packages[package_of[key]] += frame.total_self_time
        for child in frame.children:
            walk(child, on_path | {key})

    walk(root, frozenset())
    rows = [{"function": k, "inclusive_pct": 100 * v / total, "self_pct": 100 * self_time[k] / total,
             "package": package_of[k]} for k, v in inclusive.items()]
    by_incl = sorted(rows, key=lambda r: -r["inclusive_pct"])
    return {
        # Below 95%: skip the frames every sample passes through (the driver, the ASGI stack's entry).
        "top_inclusive": [r for r in by_incl if r["inclusive_pct"] < 95][:n],
        "top_app": [r for r in by_incl if r["package"].startswith("app/")][:n],
        "top_self": sorted(rows, key=lambda r: -r["self_pct"])[:n],
        "packages": [{"package": k, "self_pct": 100 * v / total}
                     for k, v in sorted(packages.items(), key=lambda kv: -kv[1])][:n],
    }


def _save(profiler, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    out.with_suffix(".html").write_text(profiler.output_html())


def profile_callable(fn, args_list: list, seconds: float, out: Path) -> dict:
    """Call fn(*args) over args_list (cycling) for `seconds` under pyinstrument."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    calls = 0
    profiler.start()
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        fn(*args_list[calls % len(args_list)])
        calls += 1
    session = profiler.stop()
    _save(profiler, out)
    return {"calls": calls, "seconds": session.duration, "ms_per_call": 1000 * session.duration / max(calls, 1),
            **summarize(session), "file": str(out.with_suffix(".html"))}


@contextmanager
def _inline_threadpool():
    """Run anyio.to_thread.run_sync inline, so the profiled thread does all the work."""
    import anyio.to_thread

    original = anyio.to_thread.run_sync

    async def inline(func, *args, abandon_on_cancel=False, cancellable=None, limiter=None):
        return func(*args)

    anyio.to_thread.run_sync = inline
    try:
        yield
    finally:
        anyio.to_thread.run_sync = original


def profile_asgi(app, paths: list[str], seconds: float, out: Path) -> dict:
    """GET `paths` in turn against the ASGI `app` for `seconds`, profiled; statuses counted."""
    import httpx
    from pyinstrument import Profiler

    async def drive() -> tuple[int, dict]:
        transport = httpx.ASGITransport(app=app)
        statuses: dict[int, int] = defaultdict(int)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
            for p in paths[:5]:  # warm: open the searcher, fill caches, compile templates
                await client.get(p)
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            calls = 0
            profiler.start()
            stop_at = time.perf_counter() + seconds
            while time.perf_counter() < stop_at:
                resp = await client.get(paths[calls % len(paths)])
                statuses[resp.status_code] += 1
                calls += 1
            session = profiler.stop()
        _save(profiler, out)
        return calls, {"session": session, "statuses": dict(statuses)}

    with _inline_threadpool():
        calls, res = asyncio.run(drive())
    session = res["session"]
    return {"calls": calls, "seconds": session.duration, "ms_per_call": 1000 * session.duration / max(calls, 1),
            "statuses": res["statuses"], **summarize(session), "file": str(out.with_suffix(".html"))}
