"""How long ``compact-bot gaps report`` takes on a big log, and how much memory it needs.

    python benchmarks/gaps_report.py                      # SQLite, and PostgreSQL if reachable
    python benchmarks/gaps_report.py --total 100000 --unanswered 5000 10000 20000

For each size it fills a fresh database with synthetic interactions (a share of them
unanswered, spread over a few hundred themes), then runs the real command in a separate
process and reports its wall time and peak memory (maximum resident set size).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url

from bot.storage.database import Database
from bot.storage.tables import FeedbackRow, InteractionRow

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
THEMES = 300
TOPIC_WORDS = [
    "volunteer",
    "travel",
    "expenses",
    "parking",
    "permit",
    "rates",
    "relief",
    "premises",
    "lease",
    "insurance",
    "safeguarding",
    "training",
    "mileage",
    "audit",
    "accounts",
    "deadline",
    "trustee",
    "bank",
    "gift",
    "aid",
    "lottery",
    "match",
    "funding",
    "capital",
    "revenue",
    "evaluation",
    "outcomes",
    "reporting",
    "template",
    "invoice",
    "vat",
    "pension",
    "apprentice",
    "mentoring",
    "youth",
    "elderly",
    "carers",
    "disability",
    "transport",
    "rural",
    "broadband",
    "food",
    "bank",
    "warm",
    "space",
    "energy",
    "bills",
    "hall",
    "hire",
    "licence",
    "data",
    "protection",
    "gdpr",
    "complaints",
    "policy",
]


def theme_questions(rng: random.Random) -> list[list[str]]:
    return [rng.sample(TOPIC_WORDS, 4) for _ in range(THEMES)]


def question(rng: random.Random, core: list[str]) -> str:
    words = core[:] + rng.sample(
        ["how", "do", "we", "can", "the", "our", "for", "please", "about"], 3
    )
    rng.shuffle(words)
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = words[i][:-1] or words[i]
    return " ".join(words)


def fill(url: str, total: int, unanswered: int, seed: int = 3) -> None:
    database = Database.connect(url)
    rng = random.Random(seed)
    cores = theme_questions(rng)
    start = datetime.now(UTC) - timedelta(days=28)
    rows, feedback = [], []
    for n in range(1, total + 1):
        missed = n % (total // unanswered) == 0 if unanswered else False
        asked = start + timedelta(seconds=rng.randrange(28 * 86400))
        rows.append(
            {
                "id": n,
                "asked_at": asked,
                "channel": "slack",
                "user_hash": f"{rng.randrange(2000):032x}",
                "conversation_hash": None,
                "question": question(rng, cores[rng.randrange(THEMES)])
                if missed
                else "how much notice before ending a grant",
                "outcome": "no_match" if missed else "answer",
                "entry_id": None if missed else "funding-notice",
                "confidence": 0.2 if missed else 0.9,
                "candidates": [],
                "latency_ms": 0.5,
            }
        )
        if not missed and n % 10 == 0:
            feedback.append(
                {
                    "interaction_id": n,
                    "kind": "helpful" if n % 30 else "not_helpful",
                    "entry_id": "funding-notice",
                    "user_hash": None,
                    "created_at": asked,
                }
            )
    with database.session() as session:
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(InteractionRow), rows[chunk : chunk + 5000])
        if feedback:
            session.execute(insert(FeedbackRow), feedback)
    database.dispose()


def themes_found(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM themes").scalar_one()
    engine.dispose()
    return int(count)


def run_report(url: str, out: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "gaps",
            "report",
            "--since",
            "30d",
            "--format",
            "html",
            "--out",
            str(out),
            "--db",
            url,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "COMPACT_DATA_DIR": str(out.parent)},
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024  # ru_maxrss is in KiB on Linux


def postgres_schema_url() -> tuple[str, str] | None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(POSTGRES).begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(POSTGRES).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(schema: str) -> None:
    with create_engine(POSTGRES).begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--unanswered", type=int, nargs="+", default=[5_000, 10_000, 20_000])
    args = parser.parse_args()
    print(
        f"# gaps report benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {args.total:,} interactions, {THEMES} themes\n"
    )
    print("Peak memory is the report process's maximum resident set size (whole Python process).\n")
    print(f"{'database':10} {'unanswered':>10} {'seconds':>8} {'peak MB':>8} {'themes found':>12}")
    for unanswered in args.unanswered:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            fill(url, args.total, unanswered)
            seconds, peak = run_report(url, Path(folder) / "report.html")
            print(
                f"{'SQLite':10} {unanswered:>10,} {seconds:8.1f} {peak:8.0f} {themes_found(url):>12}",
                flush=True,
            )
            pg = postgres_schema_url()
            if pg is None:
                print(f"{'PostgreSQL':10} {'skipped: not reachable on 127.0.0.1:5432':>30}")
                continue
            pg_url, schema = pg
            try:
                fill(pg_url, args.total, unanswered)
                seconds, peak = run_report(pg_url, Path(folder) / "report-pg.html")
                print(
                    f"{'PostgreSQL':10} {unanswered:>10,} {seconds:8.1f} {peak:8.0f} {themes_found(pg_url):>12}",
                    flush=True,
                )
            finally:
                drop_schema(schema)


if __name__ == "__main__":
    main()
