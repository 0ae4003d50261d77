#!/usr/bin/env python3
"""Benchmark of `barg write` from standard input.

Scales examples/events.ndjson to a million events and measures, in the same
run and on the same bytes: `barg write` (the seed's six files, default
configuration) as `cargo build --release` builds it and as scripts/release
builds it (with profile-guided optimisation), the latter again with
`--fsync never`, CPython's logging through six RotatingFileHandlers with the
same routing (bench/python_writer.py), and `cat` copying the bytes to a
file, the floor. Each runs under /usr/bin/time -v for its peak resident
memory.

barg's default, `fsync = "interval"`, syncs every file at most a second
after its lines are written, every rolled-over file included, and all of
them at exit: every byte reaches the disk before barg exits. CPython's
handlers never sync; the kernel writes back when it chooses. The
`--fsync never` row is barg with the same durability as CPython.

Usage: bench/write.py [EVENTS] [--baseline BARG] [--rounds N]   (defaults 1000000, 3)

Each round runs every contender once, one after the other; the table gives
each one's medians (time, CPU, peak RSS).

--baseline runs another barg binary too, on the same bytes in the same run
(such as one built from an earlier commit), for a before and after.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(label, command, stdin_path, cwd):
    """Runs `command` with stdin from the file; gives wall seconds, CPU
    seconds (user and system) and peak RSS in KB."""
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-v", *command],
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=cwd,
            check=False,
        )
        seconds = time.perf_counter() - start
    report = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        sys.exit(f"{label} failed:\n{report}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", report).group(1)) for kind in ("User", "System"))
    return seconds, cpu, rss


def main():
    args = sys.argv[1:]
    baseline = None
    if "--baseline" in args:
        at = args.index("--baseline")
        baseline = Path(args[at + 1]).resolve()
        del args[at : at + 2]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    events = int(args[0]) if args else 1_000_000
    if not Path("/usr/bin/time").exists():
        sys.exit("needs /usr/bin/time: apt-get install -y time")
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    barg = ROOT / "target/release/barg"
    release = subprocess.run([ROOT / "scripts/release"], cwd=ROOT, check=True, capture_output=True, text=True)
    barg_pgo = ROOT / release.stdout.strip()
    examples = (ROOT / "examples/events.ndjson").read_bytes().splitlines(keepends=True)

    with tempfile.TemporaryDirectory(prefix="barg-bench-") as tmp:
        tmp = Path(tmp)
        source = tmp / "events.ndjson"
        with open(source, "wb") as out:
            for i in range(events):
                out.write(examples[i % len(examples)])
        size = source.stat().st_size

        load = os.getloadavg()[0]
        contenders = [
            ("cat (floor)", lambda d: ["sh", "-c", f"cat > {d}/copy.ndjson"]),
            ("barg write", lambda d: [str(barg), "write", "--dir", str(d)]),
            ("barg write, PGO", lambda d: [str(barg_pgo), "write", "--dir", str(d)]),
            (
                "PGO, fsync never",
                lambda d: [str(barg_pgo), "write", "--fsync", "never", "--dir", str(d)],
            ),
            ("python logging", lambda d: [sys.executable, str(ROOT / "bench/python_writer.py"), str(d)]),
        ]
        if baseline:
            contenders.insert(1, ("barg baseline", lambda d: [str(baseline), "write", "--dir", str(d)]))
        env_free = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "BARG_LOG_LEVEL", "DJANGO_LOG_LEVEL")}
        os.environ.clear()
        os.environ.update(env_free)
        # Rounds of every contender one after the other, so that a busy
        # moment of the machine falls on all of them alike; medians per
        # contender.
        measured = {label: [] for label, _ in contenders}
        for _ in range(rounds):
            for index, (label, make_command) in enumerate(contenders):
                directory = tmp / f"run{index}"
                directory.mkdir()
                seconds, cpu, rss = run(label, make_command(directory), source, tmp)
                written = sum(f.stat().st_size for f in directory.iterdir() if f.is_file())
                measured[label].append((seconds, cpu, rss, written))
                shutil.rmtree(directory)
        results = [
            (label, *(statistics.median(run[i] for run in runs) for i in range(4)))
            for label, runs in measured.items()
        ]

    print(f"{events} events, {size / 1e6:.1f} MB of NDJSON; medians of {rounds} rounds")
    print(f"load average before the runs: {load:.1f} on {os.cpu_count()} cores")
    print(
        f"| {'':<17} | {'seconds':>8} | {'events/s':>11} | {'MB/s in':>8} "
        f"| {'CPU s':>6} | {'µs CPU/event':>12} | {'peak RSS':>9} | {'written':>8} |"
    )
    print(f"|{'-' * 19}|{'-' * 10}|{'-' * 13}|{'-' * 10}|{'-' * 8}|{'-' * 14}|{'-' * 11}|{'-' * 10}|")
    for label, seconds, cpu, rss, written in results:
        print(
            f"| {label:<17} | {seconds:8.2f} | {events / seconds:11,.0f} | {size / 1e6 / seconds:8.1f} "
            f"| {cpu:6.2f} | {cpu / events * 1e6:12.2f} | {rss / 1024:6.1f} MB | {written / 1e6:5.1f} MB |"
        )
    wall = {label: seconds for label, seconds, _, _, _ in results}
    cpu = {label: c for label, _, c, _, _ in results}
    for label in wall:
        if label in ("cat (floor)", "python logging"):
            continue
        print(
            f"{label}: {wall['python logging'] / wall[label]:.1f}x CPython's events/s, "
            f"{cpu['python logging'] / cpu[label]:.1f}x less CPU per event"
        )


if __name__ == "__main__":
    main()
