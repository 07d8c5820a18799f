"""Slack with a frozen database: how long acknowledgements take, and how often each event is
answered, while PostgreSQL accepts connections and never answers. Run:
``python benchmarks/slack_frozen_db.py``; ``--before CHECKOUT`` measures another checkout of
the bot (for example main, after ``git worktree add /tmp/before main``) in the same way.

For each bot: one event answered with the database up, then the database frozen; each event
is sent, and its retry right after the acknowledgement (as Slack would when an ack is late);
then the database thaws and every event is retried once more. Slack's limit for an ack is
3 s. Each event should be answered exactly once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.slack_load import SECRET, event_body, free_port, wait_until_up  # noqa: E402
from tests.slack.fake_slack import start_fake_slack  # noqa: E402
from tests.slack.frozen_proxy import FrozenProxy  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def post(port: int, body: str, retry: int) -> float:
    """Send a signed event; the seconds until it was acknowledged."""
    import hashlib
    import hmac
    import urllib.request

    stamp = str(int(time.time()))
    signature = (
        "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    )
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": signature}  # fmt: skip
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def measure(name: str, checkout: Path, events: int, budget_ms: int) -> None:
    fake = start_fake_slack()
    schema = f"frozen_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    base = make_url(POSTGRES)
    proxy = FrozenProxy(base.host or "127.0.0.1", base.port or 5432)
    url = base.set(port=proxy.port).update_query_dict({"options": f"-csearch_path={schema}"})
    port = free_port()
    env = {
        **os.environ, "SLACK_BOT_TOKEN": "xoxb-T1", "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url, "DATABASE_URL": url.render_as_string(hide_password=False),
        "COMPACT_PSEUDONYM_KEY": "frozen-test-key-0123456789", "COMPACT_HOST": "127.0.0.1",
        "COMPACT_DB_BUDGET_MS": str(budget_ms),
        "PYTHONPATH": os.pathsep.join([str(checkout), os.environ.get("PYTHONPATH", "")]),
    }  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "slack", "--port", str(port)],
        env=env, cwd=checkout, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(port, "/healthz")
        run = uuid.uuid4().hex[:6]
        warm, _ = event_body(0, run, 0)
        post(port, warm, 0)
        deadline = time.time() + 10
        while not fake.of("chat.postMessage") and time.time() < deadline:
            time.sleep(0.05)
        proxy.freeze()
        bodies = [event_body(n, run, 0) for n in range(1, events + 1)]
        acks: list[float] = []
        failed = 0
        for body, _ts in bodies:
            for retry in (0, 1):
                try:
                    acks.append(post(port, body, retry))
                except (urllib.error.URLError, TimeoutError):
                    failed += 1
        time.sleep(budget_ms / 1000 + 3)
        frozen_counts = _counts(fake, bodies)
        proxy.thaw()
        for body, _ts in bodies:
            post(port, body, 2)
        time.sleep(budget_ms / 1000 + 3)
        counts = _counts(fake, bodies)
        print(
            f"{name:8} acks while frozen: {len(acks)} (failed {failed}); longest {max(acks):.3f} s, "
            f"median {statistics.median(acks) * 1000:.1f} ms, over 3 s: {sum(a > 3 for a in acks)}"
        )
        print(
            f"{'':8} events answered exactly once: {frozen_counts.count(1)}/{events} while frozen, "
            f"{counts.count(1)}/{events} after the thaw (never: {counts.count(0)}, "
            f"twice or more: {sum(c > 1 for c in counts)})"
        )
    finally:
        server.terminate()
        server.wait(30)
        proxy.thaw()
        proxy.stop()
        fake.stop()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _counts(fake: object, bodies: list[tuple[str, str]]) -> list[int]:
    replies = [c.params.get("thread_ts") for c in fake.of("chat.postMessage")]  # type: ignore[attr-defined]
    return [replies.count(ts) for _body, ts in bodies]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10, help="events sent while frozen")
    parser.add_argument("--budget-ms", type=int, default=500, help="COMPACT_DB_BUDGET_MS")
    parser.add_argument(
        "--before", type=Path, metavar="CHECKOUT", help="also measure this checkout"
    )
    args = parser.parse_args()
    print(f"# Slack with a frozen database, {time.strftime('%Y-%m-%d %H:%M')}: {args.events} events "
          f"and their retries; COMPACT_DB_BUDGET_MS={args.budget_ms}")  # fmt: skip
    measure("after", ROOT, args.events, args.budget_ms)
    if args.before is not None:
        measure("before", args.before.resolve(), args.events, args.budget_ms)


if __name__ == "__main__":
    main()
