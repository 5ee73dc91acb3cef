"""The benchmark suite's runner: `./dev bench [--scale district|small|tiny] [--only a,b] [--quick]`.

    .venv/bin/python bench/run.py --scale district            # the issue's figures
    .venv/bin/python bench/run.py --scale tiny --quick        # the smoke test's run

1. Creates (or reuses) the PostgreSQL database `cogov_bench_<scale>` on DATABASE_URL's server
   (default postgres://postgres@127.0.0.1:5432/postgres), migrates it and builds the data once
   (`bench/data.py`: the demo through COPY, then the year of bulk cases); a marker table records
   scale, seed, case count and the data code's version, and the data is rebuilt when they differ
   or with --rebuild.
2. Runs every `bench/b_*.py` in a fixed order (ORDER, then any other in name order), each with
   `run(ctx) -> list[Figure]` (bench/harness.py), in this process, after django.setup() against
   the bench database (DATABASE_URL in os.environ points at it, so child processes inherit it).
   A benchmark that raises is reported as failed with its error and the runner goes on; the exit
   code is 1 when any failed.
3. Prints each figure and its ratio as it goes and writes bench/out/<timestamp>/report.json and
   report.md with the machine's description (CPU, cores, RAM, load average before and after, OS,
   Python, PostgreSQL version and settings, git commit) and each benchmark's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from harness import Context, Figure  # noqa: E402

# Benchmarks run in this order; any other bench/b_*.py runs after them, in name order.
ORDER = [
    "b_lookup",
    "b_dashboards",
    "b_loading",
    "b_worker_memory",
    "b_intake",
    "b_lists",
    "b_votes",
    "b_campaign_visits",
]
SCALES = ("tiny", "small", "district", "city")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    modules = discover(args.only)
    server = args.server or os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not server.startswith(("postgres://", "postgresql://")):
        print(f"bench: DATABASE_URL must be a PostgreSQL URL (got {server!r})", file=sys.stderr)
        return 2
    db_name = args.db or f"cogov_bench_{args.scale}"
    db_url = with_database(server, db_name)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else BENCH / "out" / stamp
    out.mkdir(parents=True, exist_ok=True)

    # Django, against the bench database; children (servers, workers, cogov demo) inherit it.
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cogov.config.settings"
    os.environ.setdefault("COGOV_DATA_DIR", str(out / "var"))
    os.environ["DEBUG"] = "false"
    os.environ.pop("COGOV_ENV", None)
    os.environ.pop("COGOV_TEST_DB_NAME", None)

    machine_before = machine(server)
    print(
        f"bench: scale {args.scale}{' (quick)' if args.quick else ''}, database {db_name}, "
        f"out {out}"
    )
    print(
        f"bench: {machine_before['cpu']} × {machine_before['cores']}, "
        f"{machine_before['ram_gb']} GB RAM, load {machine_before['load_average']}"
    )

    import data  # bench/data.py

    ctx = Context(scale=args.scale, database_url=db_url, out=out, quick=args.quick)
    ctx.scratch["server_url"] = server
    started = time.perf_counter()
    data_info = data.ensure(
        ctx, server, db_name, rebuild=args.rebuild, cases=args.cases, seed=args.seed
    )
    ctx.scratch["data"] = data_info
    print(
        f"bench: data {data_info['status']} in {data_info['seconds']:.1f} s "
        f"({data_info.get('cases', 0):,} bulk cases)"
    )

    results = []
    for name, path in modules:
        results.append(run_one(name, path, ctx))
        write_reports(out, args, machine_before, data_info, results, started, final=False)
    report = write_reports(out, args, machine_before, data_info, results, started, final=True)
    failed = [r["name"] for r in results if r["status"] != "ok"]
    print(
        f"bench: {len(results)} benchmarks in {report['seconds']:.0f} s"
        f"{', FAILED: ' + ', '.join(failed) if failed else ''}; report in {out}"
    )
    return 1 if failed else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="./dev bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=SCALES, default="district")
    p.add_argument("--only", default="", help="comma-separated benchmark names (b_ optional)")
    p.add_argument("--quick", action="store_true", help="small counts (the smoke test)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the data even if it matches")
    p.add_argument(
        "--cases",
        type=int,
        default=None,
        help="bulk cases for the dashboards' year (default: data.CASES[scale])",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server", default="", help="PostgreSQL server URL (default DATABASE_URL)")
    p.add_argument("--db", default="", help="database name (default cogov_bench_<scale>)")
    p.add_argument("--out", default="", help="report directory (default bench/out/<timestamp>)")
    return p.parse_args(argv)


def discover(only: str) -> list[tuple[str, Path]]:
    found = {p.stem: p for p in BENCH.glob("b_*.py")}
    names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    if only:
        wanted = [w if w.startswith("b_") else f"b_{w}" for w in only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in found]
        if unknown:
            raise SystemExit(
                f"bench: unknown benchmark(s) {', '.join(unknown)}; present: {', '.join(names)}"
            )
        names = [n for n in names if n in wanted]
    return [(name, found[name]) for name in names]


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_one(name: str, path: Path, ctx: Context) -> dict[str, Any]:
    started = time.perf_counter()
    entry: dict[str, Any] = {"name": name, "title": name, "status": "ok", "figures": []}
    try:
        module = load(name, path)
        entry["name"] = getattr(module, "NAME", name)
        entry["title"] = getattr(module, "TITLE", name)
        print(f"\n== {entry['title']} ({entry['name']})", flush=True)
        figures = module.run(ctx)
        for figure in figures:
            if not isinstance(figure, Figure):
                raise TypeError(f"run() returned {type(figure).__name__}, not a Figure")
            entry["figures"].append(figure.as_dict())
            print("   " + describe(figure), flush=True)
        if not figures:
            raise RuntimeError("run() returned no figures")
    except Exception as exc:  # a failing benchmark is reported and the run goes on
        entry["status"] = "failed"
        entry["error"] = f"{type(exc).__name__}: {exc}"
        entry["traceback"] = traceback.format_exc()
        print(f"   FAILED: {entry['error']}", flush=True)
        print(entry["traceback"], file=sys.stderr, flush=True)
    finally:
        from django.db import connection

        connection.close()  # a failed transaction must not leak into the next benchmark
    entry["seconds"] = round(time.perf_counter() - started, 2)
    print(f"   ({entry['seconds']:.1f} s)", flush=True)
    return entry


def describe(f: Figure) -> str:
    return (
        f"{f.name}: {num(f.value)} {f.unit} vs {f.limit_name}: {num(f.limit)} "
        f"{f.limit_unit} → ratio {f.ratio:.3f}"
    )


def num(x: float) -> str:
    if x == float("inf"):
        return "∞"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}"
    return f"{x:.4g}"


# --- the machine -------------------------------------------------------------------------------


def machine(server: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(_meminfo("MemTotal") / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": _os_name(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty_files": len(_git("status", "--porcelain").splitlines()),
        "hostname": platform.node(),
    }
    info["postgresql"] = postgres_settings(server)
    return info


def postgres_settings(server: str) -> dict[str, Any]:
    import psycopg

    keys = [
        "shared_buffers",
        "max_connections",
        "synchronous_commit",
        "fsync",
        "work_mem",
        "maintenance_work_mem",
        "max_wal_size",
        "wal_level",
        "max_parallel_workers",
        "max_parallel_maintenance_workers",
        "effective_cache_size",
        "jit",
    ]
    try:
        with psycopg.connect(server, connect_timeout=5) as conn:
            version = conn.execute("SELECT version()").fetchone()
            settings = {k: conn.execute(f"SHOW {k}").fetchone()[0] for k in keys}  # type: ignore[index]
        return {"version": version[0] if version else "?", **settings}
    except Exception as exc:
        return {"error": str(exc)}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _meminfo(key: str) -> int:
    """kB"""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except OSError:
        return "?"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


# --- the reports -------------------------------------------------------------------------------


def write_reports(
    out: Path,
    args: argparse.Namespace,
    before: dict[str, Any],
    data_info: dict[str, Any],
    results: list[dict[str, Any]],
    started: float,
    *,
    final: bool,
) -> dict[str, Any]:
    report = {
        "suite": "cogov bench",
        "scale": args.scale,
        "quick": args.quick,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds") if final else None,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "data": data_info,
        "benchmarks": results,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    (out / "report.md").write_text(markdown(report))
    return report


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    pg = m.get("postgresql", {})
    lines = [
        f"# CoGov benchmarks: {r['scale']}{' (quick)' if r['quick'] else ''}",
        "",
        f"Finished {r['finished'] or '(running)'}, {r['seconds']:.0f} s in all "
        f"(data {r['data']['status']} in {r['data']['seconds']:.0f} s).",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPU | {m['cpu']} × {m['cores']} |",
        f"| RAM | {m['ram_gb']} GB |",
        f"| load average before / after | {_load(m['load_average'])} / "
        f"{_load(r['load_average_after'])} |",
        f"| OS | {m['os']} (kernel {m['kernel']}) |",
        f"| Python | {m['python']} |",
        f"| PostgreSQL | {pg.get('version', pg.get('error', '?'))} |",
        "| PostgreSQL settings | "
        + ", ".join(f"{k} {v}" for k, v in pg.items() if k not in {"version", "error"})
        + " |",
        f"| git | {m['git_commit'][:12]} ({m['git_dirty_files']} files changed in the tree) |",
        "",
        "## Data",
        "",
        "| | |",
        "|---|---|",
    ]
    for key, value in r["data"].items():
        if key != "tables":
            lines.append(f"| {key} | {value} |")
    lines += [
        "",
        "## Figures",
        "",
        "| benchmark | figure | value | limit | ratio | time |",
        "|---|---|---|---|---|---|",
    ]
    for b in r["benchmarks"]:
        if b["status"] != "ok":
            lines.append(
                f"| {b['title']} | **failed**: {b.get('error', '')} | | | | {b['seconds']:.1f} s |"
            )
            continue
        for i, f in enumerate(b["figures"]):
            lines.append(
                f"| {b['title'] if i == 0 else ''} | {f['name']} | {num(f['value'])} {f['unit']} "
                f"| {f['limit_name']}: {num(f['limit'])} {f['limit_unit']} | {f['ratio']:.3f} "
                f"| {str(b['seconds']) + ' s' if i == 0 else ''} |"
            )
    lines += ["", "## Notes", ""]
    for b in r["benchmarks"]:
        notes = [(f["name"], f["notes"], f["extra"]) for f in b["figures"]]
        if b["status"] != "ok" or any(n or e for _, n, e in notes):
            lines.append(f"### {b['title']}")
            lines.append("")
            if b["status"] != "ok":
                lines += ["```", b.get("traceback", b.get("error", "")).rstrip(), "```", ""]
            for name, note, extra in notes:
                if note:
                    lines.append(f"- **{name}**: {note}")
                if extra:
                    lines.append(
                        f"- {name}, details: `{json.dumps(extra, ensure_ascii=False, default=str)}`"
                    )
            lines.append("")
    return "\n".join(lines) + "\n"


def _load(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
