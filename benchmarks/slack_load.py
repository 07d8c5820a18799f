"""Slack load: signed app_mention events at increasing rates, over loopback, against

- the full bot (``compact-bot serve slack``) logging to PostgreSQL, and
- a bare Bolt app that acknowledges and posts a fixed reply (``bare_bolt.py``),

measured in the same run. Latency is from sending the event to the fake Slack receiving the
reply's ``chat.postMessage``; ``cpu ms`` is the app's own process's CPU time per reply. Run:
``python benchmarks/slack_load.py``.

To see what a change does, measure the bot before it in the same rounds, beside the bare app:
``git worktree add /tmp/before HEAD`` (or the commit before the change), then
``python benchmarks/slack_load.py --before /tmp/before``; ``--variant NAME=OPTIONS`` adds a
bot started with other ``serve slack`` options.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.slack.fake_slack import FakeSlack, start_fake_slack  # noqa: E402

SECRET = "load-test-signing-secret"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARM_UP_SECONDS = 3


def parse_variant(text: str) -> tuple[str, list[str]]:
    name, separator, options = text.partition("=")
    if not separator or not name.strip() or name.strip() in ("bare", "full"):
        raise SystemExit(f"--variant {text!r}: expected NAME=OPTIONS, with a new NAME")
    return name.strip(), options.split()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def event_body(number: int, run: str, offset: int) -> tuple[str, str]:
    ts = f"{1700000000 + offset + number}.{number % 1000000:06d}"  # unique per run: maps replies back
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": f"Ev{run}-{number}",
            "event_time": 1700000000,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
            "event": {
                "type": "app_mention",
                "user": f"U{number % 50}",
                "channel": "CLOAD",
                "ts": ts,
                "event_ts": ts,
                "text": "<@UBOT> how much notice must we give before ending a grant?",
            },
        }
    ), ts


def send(port: int, body: str) -> None:
    stamp = str(int(time.time()))
    signature = (
        "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def measured_round_trip_ms(url: str) -> float:
    """p50 of ``SELECT 1`` on one connection: the delay a statement really sees."""
    engine = create_engine(url)
    timings = []
    with engine.connect() as connection:
        for _ in range(50):
            started = time.perf_counter()
            connection.exec_driver_sql("SELECT 1").all()
            timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return statistics.median(timings)


def cpu_times() -> tuple[int, int]:
    """(stolen, total) CPU ticks so far, from /proc/stat; (0, 0) where there is none. Steal is
    time the hypervisor gave this machine's CPUs to someone else: on a shared host it comes in
    bursts that slow whichever app is being measured."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc; 0 where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    """What one app did at one rate, pooled over rounds."""

    latencies: list[float] = field(default_factory=list)
    rounds: list[list[float]] = field(default_factory=list)
    replies: int = 0
    offered: int = 0
    busy_seconds: float = 0.0
    stolen_ticks: int = 0
    cpu_seconds: float = 0.0  # the app's own process: user and system time
    total_ticks: int = 0

    def add(self, latencies: list[float], offered: int, busy_seconds: float) -> None:
        self.latencies += latencies
        self.rounds.append(latencies)
        self.replies += len(latencies)
        self.offered += offered
        self.busy_seconds += busy_seconds

    def add_cpu(self, before: tuple[int, int], after: tuple[int, int]) -> None:
        self.stolen_ticks += after[0] - before[0]
        self.total_ticks += after[1] - before[1]

    @property
    def steal(self) -> float:
        return self.stolen_ticks / self.total_ticks if self.total_ticks else 0.0

    @property
    def cpu_per_reply_ms(self) -> float:
        return self.cpu_seconds * 1000 / self.replies if self.replies else 0.0

    @property
    def throughput(self) -> float:
        return self.replies / self.busy_seconds if self.busy_seconds else 0.0

    def percentile(self, share: float) -> float:
        return percentile(self.latencies, share)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def lost(self) -> int:
        return self.offered - self.replies


def percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def tail_ratio_interval(full: Sample, bare: Sample, draws: int = 400) -> tuple[float, float]:
    """A 90% bootstrap interval for the p99 ratio: rounds are drawn again with replacement,
    each full round with the bare round measured beside it, so a burst of stolen CPU that
    hit one pair of rounds is in or out of a draw as a whole."""
    pairs = list(zip(full.rounds, bare.rounds, strict=True))
    chooser = random.Random(6)  # the same draws every run
    ratios = []
    for _ in range(draws):
        chosen = [chooser.choice(pairs) for _ in pairs]
        bare_p99 = percentile([x for _, b in chosen for x in b], 0.99)
        if bare_p99:
            ratios.append(percentile([x for f, _ in chosen for x in f], 0.99) / bare_p99)
    ratios.sort()
    return percentile(ratios, 0.05), percentile(ratios, 0.95)


def drive(
    port: int, fake: FakeSlack, rate: int, seconds: float, run: str, offset: int
) -> tuple[list[float], int, float]:
    """Offer ``rate`` events per second for ``seconds``; return the reply latencies (ms), the
    number offered, and the time from the first send to the last reply."""
    sent: dict[str, float] = {}
    total = int(rate * seconds)
    before = len(fake.calls)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for n in range(total):
            target = started + n / rate
            pause = target - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            body, ts = event_body(n, run, offset)
            sent[ts] = time.perf_counter()
            pool.submit(send, port, body)
    deadline = time.perf_counter() + 20
    while (
        sum(1 for c in fake.calls[before:] if c.params.get("thread_ts") in sent) < total
        and time.perf_counter() < deadline
    ):
        time.sleep(0.05)
    replies = [
        c
        for c in fake.calls[:]
        if c.method == "chat.postMessage" and c.params.get("thread_ts") in sent
    ]
    latencies = [(c.at - sent[c.params["thread_ts"]]) * 1000 for c in replies]
    finished = max((c.at for c in replies), default=started)
    return latencies, total, finished - started


def measured_round(
    port: int, fake: FakeSlack, rate: int, seconds: float, run: str, offset: int
) -> tuple[list[float], int, float]:
    """``drive``, with this process's garbage collector held back until the round is over.
    The load generator and the fake Slack run here, and kept every reply: left alone, the
    collector's full collections grew to 57-159 ms within three minutes, and each stalled
    whichever app was being measured. The full bot's larger replies made them fall in its
    rounds more often than in the bare app's (seen 2026-12-04: in most runs at 100/s, one
    round with a p99 several times the others', nearly always the full bot's)."""
    gc.collect()
    gc.disable()
    try:
        return drive(port, fake, rate, seconds, run, offset)
    finally:
        gc.enable()
        with fake.condition:
            fake.calls.clear()  # every reply of the round is in, or given up on


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", type=int, nargs="+", default=[10, 25, 50, 100])
    # Many short rounds rather than a few long ones: on a shared machine, bursts of lost CPU
    # (steal) last seconds, so short alternating rounds spread them over both apps, and the
    # pooled rounds give each p99 at least a few hundred samples (320 at 10/s).
    parser.add_argument("--seconds", type=float, default=4, help="length of each round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=8,
        help="rounds per rate (at least), alternating which app goes first",
    )
    # A p99 needs many samples to be more than its few slowest events: from 320 samples it is
    # the 4th slowest. Low rates get more rounds until each app has at least this many.
    parser.add_argument(
        "--min-samples", type=int, default=1000, help="samples per app and rate (at least)"
    )
    parser.add_argument(
        "--db-round-trip-ms",
        type=float,
        default=0,
        help="put PostgreSQL this many ms away (a delaying proxy), as on another host",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=OPTIONS",
        help="also run the full bot with these `serve slack` options, in the same rounds, e.g. "
        "--variant 'other-kb=--kb /path/to/knowledge'",
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="CHECKOUT",
        help="also run the full bot from another checkout of this repository, labelled "
        "'before', in the same rounds, e.g. after `git worktree add /tmp/before HEAD~1`",
    )
    args = parser.parse_args()
    variants = dict(parse_variant(text) for text in args.variant)
    checkouts = {name: ROOT for name in ("full", *variants)}
    if args.before is not None:
        if not (args.before / "bot" / "__main__.py").is_file():
            raise SystemExit(f"--before {args.before}: not a checkout of this repository")
        variants["before"] = []
        checkouts["before"] = args.before.resolve()

    fake = start_fake_slack()
    # A schema per checkout: another checkout's migrations may not know this one's revisions.
    schemas = {path: f"load_{uuid.uuid4().hex[:8]}" for path in set(checkouts.values())}
    with create_engine(POSTGRES).begin() as connection:
        for schema in schemas.values():
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    database_url = make_url(POSTGRES)
    proxy = None
    round_trip = 0.0
    if args.db_round_trip_ms > 0:
        proxy_port = free_port()
        target = f"{database_url.host}:{database_url.port}"
        proxy = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "delay_proxy.py"), str(proxy_port), target,
             str(args.db_round_trip_ms)]
        )  # fmt: skip
        database_url = database_url.set(port=proxy_port)
        time.sleep(0.5)
        round_trip = measured_round_trip_ms(database_url.render_as_string(hide_password=False))

    def database(checkout: Path) -> str:
        url = database_url.update_query_dict({"options": f"-csearch_path={schemas[checkout]}"})
        return url.render_as_string(hide_password=False)

    env = {
        **os.environ, "SLACK_BOT_TOKEN": "xoxb-T1", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database(ROOT), "COMPACT_PSEUDONYM_KEY": "load-test-key-0123456789", "COMPACT_HOST": "127.0.0.1",
    }  # fmt: skip
    apps = {"bare": free_port(), "full": free_port()} | {name: free_port() for name in variants}
    servers = {
        "bare": subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "bare_bolt.py"), str(apps["bare"])],
            env=env,
            stderr=subprocess.DEVNULL,
        )
    } | {
        name: subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "slack", "--port", str(port),
             *variants.get(name, [])],
            env={**env, "DATABASE_URL": database(checkouts[name]),
                 "PYTHONPATH": os.pathsep.join([str(checkouts[name]), os.environ.get("PYTHONPATH", "")])},
            cwd=checkouts[name],
            stderr=subprocess.DEVNULL,
        )
        for name, port in apps.items()
        if name != "bare"
    }  # fmt: skip
    try:
        for name, port in apps.items():
            wait_until_up(port, "/slack/events" if name == "bare" else "/healthz")
        print(
            f"# Slack load benchmark, {time.strftime('%Y-%m-%d %H:%M')}: rounds of {args.seconds:.0f} s per app and rate "
            f"(at least {args.rounds}, and {args.min_samples} samples), alternating, after a warm-up; loopback"
            + (
                f"; PostgreSQL behind a {args.db_round_trip_ms:g} ms delay "
                f"(SELECT 1 takes {round_trip:.1f} ms p50 through it)"
                if proxy
                else ""
            )
            + "\n"
        )
        width = max([8, *(len(f"{name}/bare") for name in apps if len(apps) > 2)])
        print(
            f"{'rate/s':>6} {'app':{width}} {'replies/s':>9} {'p50 ms':>8} {'p90 ms':>8} "
            f"{'p99 ms':>8} {'lost':>5} {'samples':>8} {'steal':>6} {'cpu ms':>7}"
        )
        offset = 0
        for name, port in apps.items():  # warm up: first requests open connections, fill caches
            offset += 100_000
            measured_round(port, fake, 20, WARM_UP_SECONDS, f"warm{name}", offset)
        for rate in args.rates:
            results = {name: Sample() for name in apps}
            rounds = max(args.rounds, math.ceil(args.min_samples / (rate * args.seconds)))
            for round_number in range(rounds):
                # Rotate which app goes first, so drift in the machine's load hits them all.
                names = list(apps)
                shift = round_number % len(names)
                order = names[shift:] + names[:shift]
                if round_number // len(names) % 2:
                    order.reverse()
                for name in order:
                    offset += 100_000
                    run = f"{name}{rate}r{round_number}"
                    before, used = cpu_times(), process_cpu_seconds(servers[name].pid)
                    results[name].add(
                        *measured_round(apps[name], fake, rate, args.seconds, run, offset)
                    )
                    results[name].add_cpu(before, cpu_times())
                    results[name].cpu_seconds += process_cpu_seconds(servers[name].pid) - used
            for name, sample in results.items():
                print(
                    f"{rate:6} {name:{width}} {sample.throughput:9.1f} {sample.p50:8.1f} "
                    f"{sample.percentile(0.9):8.1f} {sample.percentile(0.99):8.1f} {sample.lost:5} "
                    f"{len(sample.latencies):8} {sample.steal:6.0%} {sample.cpu_per_reply_ms:7.2f}",
                    flush=True,
                )
            bare = results["bare"]
            for name, full in results.items():
                if name == "bare":
                    continue
                ratio = full.throughput / bare.throughput if bare.throughput else 0.0
                tail = full.percentile(0.99) / bare.percentile(0.99) if bare.latencies else 0.0
                low, high = tail_ratio_interval(full, bare)
                label = "ratio" if len(apps) == 2 else f"{name}/bare"
                print(
                    f"{'':6} {label:{width}} {ratio:9.0%} {'':8} {'':8} {tail:7.2f}x"
                    f"   (p99 ratio, 90% interval over rounds: {low:.2f}-{high:.2f}x)"
                )
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            # The bot writes its last log rows as it shuts down: let it finish before the
            # schema goes, or PostgreSQL logs "relation does not exist" for them.
            server.wait(timeout=30)
        if proxy is not None:  # last: the bot's final rows go through it
            proxy.terminate()
            proxy.wait(timeout=30)
        with create_engine(POSTGRES).begin() as connection:
            for schema in schemas.values():
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
