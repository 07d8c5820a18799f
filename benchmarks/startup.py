"""Start-up and checks: a cold ``compact-bot ask``, ``kb check``, a 5 MB knowledge base and
reload, each as a whole process (or, for reload, inside one), beside a baseline in the same run.

    git worktree add --detach /tmp/before main      # the code before the change
    python benchmarks/startup.py --before /tmp/before
    python benchmarks/startup.py --quick            # fewer runs, no 5 MB knowledge base

Each figure is the median of several runs, with the fastest and slowest beside it; with
``--before`` the two checkouts run in turn (A B A B ...) and ``after/before`` is the median of
the pairwise ratios, so a comparison holds while the shared machine's speed drifts. Wall time
and peak memory (largest resident set) come from the operating system's accounting of each
finished process. Both checkouts run with this interpreter (this checkout's virtualenv).

The 5 MB knowledge base is the bundled one copied for made-up councils ("in Ashby Vale"),
every wording and answer naming its council, until the YAML reaches 5 MB: valid, with the
bundled knowledge base's mix of entries, and with collisions only where the bundled one has.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "how much notice must we give before ending a grant?"
BIG_BYTES = 5_000_000
PLACES = (
    "Ashby Vale", "Brackenford", "Corrow", "Dunmere", "Eastwick Fen", "Fallowby", "Glenharrow",
    "Hollins Cross", "Ivybridge Moor", "Kettlewick", "Larkhill Down", "Marrowgate", "Northolm",
    "Oakenshaw Rise", "Pellingham", "Quarrydale", "Redmarsh", "Saltcombe Lea",
)  # fmt: skip

RELOAD = """
import inspect, json, shutil, sys, tempfile, time
from pathlib import Path
from bot.core.knowledge_store import KnowledgeStore
folder = Path(tempfile.mkdtemp()) / "kb"
shutil.copytree(sys.argv[1], folder)
options = {}
if "cache_dir" in inspect.signature(KnowledgeStore.open).parameters:
    options["cache_dir"] = Path(sys.argv[2])
store = KnowledgeStore.open(folder, **options)
figures = {}
start = time.perf_counter(); store.reload(); figures["reload, files unchanged"] = time.perf_counter() - start
edited = folder / "funding.yml"
edited.write_text(edited.read_text(encoding="utf-8") + "\\n# edited\\n", encoding="utf-8")
start = time.perf_counter(); store.reload(); figures["reload, one file edited"] = time.perf_counter() - start
shutil.rmtree(folder.parent)
print(json.dumps(figures))
"""


@dataclass
class Run:
    wall: float
    peak_mb: float
    code: int
    output: str = ""


@dataclass
class Figure:
    runs: dict[str, list[float]] = field(default_factory=dict)
    peaks: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def run_process(
    argv: Sequence[str], checkout: Path, env: dict[str, str], timeout: float | None = None
) -> Run:
    """Run ``argv`` in ``checkout``; its wall time and peak memory from wait4."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(checkout), "NO_COLOR": "1", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                return Run(time.perf_counter() - start, usage.ru_maxrss / 1024, -9)
            time.sleep(0.005)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(wall, usage.ru_maxrss / 1024, process.returncode, out.read().decode())


def summary(values: list[float], unit: str = "s") -> str:
    if not values:
        return "-"
    digits = 2 if unit == "s" else 0
    return (
        f"{statistics.median(values):.{digits}f} {unit} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def ratio(after: list[float], before: list[float]) -> str:
    pairs = [a / b for a, b in zip(after, before, strict=False) if b > 0]
    return f"{statistics.median(pairs):.2f}x" if pairs else "-"


def measure(
    name: str,
    figures: dict[str, Figure],
    checkouts: dict[str, Path],
    runs: int,
    command: Callable[[str, int], tuple[list[str], dict[str, str]]],
    *,
    timeout: dict[str, float] | None = None,
    counted: dict[str, int] | None = None,
) -> None:
    """``runs`` rounds of ``command`` in each checkout in turn; a run whose process fails or
    times out is noted (and, timed out, counted as at least its limit)."""
    figure = figures.setdefault(name, Figure())
    for round_number in range(runs):
        for label, checkout in checkouts.items():
            if counted is not None and round_number >= counted.get(label, runs):
                continue
            argv, env = command(label, round_number)
            limit = (timeout or {}).get(label)
            result = run_process(argv, checkout, env, limit)
            if result.code == -9:
                figure.notes[label] = f"stopped at {limit:.0f} s"
            elif result.code not in (0, 1):  # kb check exits 1 on warnings with --strict only
                figure.notes[label] = f"exit {result.code}: {result.output[-300:]}"
            figure.runs.setdefault(label, []).append(result.wall)
            figure.peaks.setdefault(label, []).append(result.peak_mb)
        print(f"  {name}: round {round_number + 1}/{runs}", file=sys.stderr, flush=True)


def big_knowledge_base(target: Path, source: Path, size: int = BIG_BYTES) -> int:
    """Write the bundled knowledge base copied for made-up councils into ``target`` until
    it holds ``size`` bytes of YAML; returns the number of entries."""
    target.mkdir(parents=True)
    shutil.copy(source / "glossary.yml", target / "glossary.yml")
    shutil.copy(source / "induction.yml", target / "induction.yml")
    originals = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(source.glob("*.yml"))
        if path.name not in ("glossary.yml", "induction.yml")
    }
    for name in originals:
        shutil.copy(source / name, target / name)
    total = sum(p.stat().st_size for p in target.glob("*.yml"))
    entries = sum(len(d.get("entries") or []) for d in originals.values())
    ids = {e["id"] for d in originals.values() for e in d.get("entries") or []}
    copy = 0
    while total < size:
        place = PLACES[copy % len(PLACES)] + ("" if copy < len(PLACES) else f" {copy}")
        suffix = "-" + place.lower().replace(" ", "-")
        for name, data in originals.items():
            copied = dict(data)
            copied["entries"] = [
                _for_place(e, place, suffix, ids) for e in data.get("entries") or []
            ]
            copied.pop("scopes", None)  # declared once, by the originals
            path = target / f"{Path(name).stem}{suffix}.yml"
            path.write_text(yaml.safe_dump(copied, sort_keys=False, allow_unicode=True))
            total += path.stat().st_size
            entries += len(copied["entries"])
        copy += 1
    return entries


def _for_place(entry: dict[str, Any], place: str, suffix: str, ids: set[str]) -> dict[str, Any]:
    """``entry`` for ``place``: its links go to the same place's copies (glossary terms are
    shared)."""
    copied = dict(entry)
    copied["id"] = entry["id"] + suffix
    copied["question"] = f"{entry['question'].rstrip('?')} in {place}?"
    copied["alternates"] = [f"{a} in {place}" for a in entry.get("alternates") or []]
    copied["answer"] = f"In {place}: {entry['answer']}"
    if "related" in entry:
        copied["related"] = [r + suffix if r in ids else r for r in entry["related"]]
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code before the change")
    parser.add_argument("--runs", type=int, default=7, help="rounds of each quick figure")
    parser.add_argument("--big-runs", type=int, default=3, help="rounds on the 5 MB base")
    parser.add_argument(
        "--before-big-timeout",
        type=float,
        default=180,
        help="stop the before checkout's 5 MB check after this many seconds (it took 300+)",
    )
    parser.add_argument("--quick", action="store_true", help="3 runs, no 5 MB knowledge base")
    parser.add_argument(
        "--kb",
        type=Path,
        default=ROOT / "knowledge",
        help="the knowledge folder both checkouts load (default: this checkout's); a copy "
        "without keys the older code does not know keeps the comparison fair",
    )
    args = parser.parse_args()
    checkouts = {"after": ROOT}
    if args.before is not None:
        if not (args.before / "bot" / "__main__.py").is_file():
            raise SystemExit(f"--before {args.before}: not a checkout of this repository")
        checkouts["before"] = args.before.resolve()
    runs = 3 if args.quick else args.runs
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    figures: dict[str, Figure] = {}
    try:
        data = {label: work / f"data-{label}" for label in checkouts}
        kb = args.kb.resolve()

        def ask(kb_path: Path, *, fresh: bool) -> Callable[[str, int], Any]:
            def command(label: str, number: int) -> tuple[list[str], dict[str, str]]:
                folder = work / f"fresh-{label}-{number}-{kb_path.name}" if fresh else data[label]
                argv = [python, "-m", "bot", "ask", "--kb", str(kb_path), QUESTION]
                return argv, {"COMPACT_DATA_DIR": str(folder)}

            return command

        # One ask in each data folder first: it creates the log database and (after) the cache.
        for label, checkout in checkouts.items():
            argv, env = ask(kb, fresh=False)(label, 0)
            run_process(argv, checkout, env)
        measure(
            "ask, cold process (data folder in use)", figures, checkouts, runs, ask(kb, fresh=False)
        )
        measure(
            "ask, first ever (empty data folder)", figures, checkouts, runs, ask(kb, fresh=True)
        )
        measure(
            "kb check (bundled)",
            figures,
            checkouts,
            runs,
            lambda label, n: ([python, "-m", "bot", "kb", "check", "--kb", str(kb)], {}),
        )
        reload_figures = reload_rounds(checkouts, runs, kb, work)
        if not args.quick:
            big = work / "big-knowledge"
            entries = big_knowledge_base(big, kb)
            megabytes = sum(p.stat().st_size for p in big.glob("*.yml")) / 1e6
            print(f"5 MB knowledge base: {megabytes:.1f} MB, {entries} entries", file=sys.stderr)
            limits = {"before": args.before_big_timeout}
            once = {"before": 1}
            measure(
                f"kb check ({megabytes:.1f} MB, {entries} entries)",
                figures,
                checkouts,
                args.big_runs,
                lambda label, n: ([python, "-m", "bot", "kb", "check", "--kb", str(big)], {}),
                timeout=limits,
                counted=once,
            )
            measure(
                "ask on it, first ever (no cache)",
                figures,
                checkouts,
                args.big_runs,
                ask(big, fresh=True),
                counted=once,
            )
            for label, checkout in checkouts.items():
                run_process(
                    ask(big, fresh=False)(label, 0)[0], checkout, ask(big, fresh=False)(label, 0)[1]
                )
            measure(
                "ask on it, cold process (data folder in use)",
                figures,
                checkouts,
                args.big_runs,
                ask(big, fresh=False),
                counted=once,
            )
        print_table(figures, reload_figures, checkouts)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def reload_rounds(
    checkouts: dict[str, Path], runs: int, kb: Path, work: Path
) -> dict[str, dict[str, list[float]]]:
    """Reload timed inside one process: the files unchanged, then one file edited."""
    found: dict[str, dict[str, list[float]]] = {}
    for _ in range(runs):
        for label, checkout in checkouts.items():
            cache = work / f"reload-cache-{label}"
            result = run_process([sys.executable, "-c", RELOAD, str(kb), str(cache)], checkout, {})
            if result.code != 0:
                raise SystemExit(f"reload in {checkout} failed: {result.output[-500:]}")
            for name, seconds in json.loads(result.output.strip().splitlines()[-1]).items():
                found.setdefault(name, {}).setdefault(label, []).append(seconds)
        print("  reload: round done", file=sys.stderr, flush=True)
    return found


def print_table(
    figures: dict[str, Figure],
    reload_figures: dict[str, dict[str, list[float]]],
    checkouts: dict[str, Path],
) -> None:
    labels = list(checkouts)
    compare = "before" in checkouts
    header = ["figure", *(f"{label}: wall, median (min-max)" for label in labels)]
    header += [f"{label}: peak memory" for label in labels]
    if compare:
        header.append("after/before")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, figure in figures.items():
        cells = [name]
        for label in labels:
            note = figure.notes.get(label)
            cells.append(summary(figure.runs.get(label, [])) + (f" ({note})" if note else ""))
        cells += [summary(figure.peaks.get(label, []), "MB") for label in labels]
        if compare:
            cells.append(ratio(figure.runs.get("after", []), figure.runs.get("before", [])))
        print("| " + " | ".join(cells) + " |")
    for name, by_label in reload_figures.items():
        cells = [name, *(summary(by_label.get(label, [])) for label in labels)]
        cells += ["(in process)" for _ in labels]
        if compare:
            cells.append(ratio(by_label.get("after", []), by_label.get("before", [])))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
