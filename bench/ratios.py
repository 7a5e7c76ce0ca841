#!/usr/bin/env python3
"""Reads Google Benchmark JSON from ctorch_bench and prints, per case, each implementation's time and
its ratio against ctorch (peer_time / ctorch_time: above 1 means ctorch is faster).

Benchmarks are named "<case>/<impl>". With --benchmark_repetitions the median aggregate is used;
without, the median of the runs of the same name.

usage: ctorch_bench --benchmark_format=json ... > out.json && python3 bench/ratios.py out.json [--markdown]
       (reads standard input when no file is given)
"""
import json
import statistics
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Components Google Benchmark appends to a name (UseRealTime and friends).
SUFFIXES = {"real_time", "manual_time", "process_time"}


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3f} {unit}"
    return f"{ns:.2f} ns"


def load(stream):
    data = json.load(stream)
    medians, runs = {}, {}
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        t = b["real_time"] * UNIT_NS[b.get("time_unit", "ns")]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = t
        else:
            runs.setdefault(name, []).append(t)
    times = {n: statistics.median(v) for n, v in runs.items()}
    times.update(medians)  # the median aggregate wins where there is one
    cases = {}
    for name, t in times.items():
        parts = [p for p in name.split("/") if p not in SUFFIXES]
        case, impl = "/".join(parts[:-1]), parts[-1]
        cases.setdefault(case, {})[impl] = t
    return data.get("context", {}), cases


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in argv
    if args:
        with open(args[0]) as f:
            context, cases = load(f)
    else:
        context, cases = load(sys.stdin)
    if markdown:
        print("| case | impl | time (median) | ratio vs ctorch |")
        print("|---|---|---:|---:|")
    else:
        print(f"{context.get('date', '')}  {context.get('num_cpus', '?')} cpus  {context.get('mhz_per_cpu', '?')} MHz")
        print(f"{'case':<18} {'impl':<14} {'time':>12} {'vs ctorch':>10}")
    for case, impls in cases.items():
        base = impls.get("ctorch")
        order = sorted(impls, key=lambda i: (i != "ctorch", i))
        for impl in order:
            t = impls[impl]
            ratio = f"{t / base:.2f}x" if base else "n/a"
            if markdown:
                print(f"| {case} | {impl} | {fmt_time(t)} | {ratio} |")
            else:
                print(f"{case:<18} {impl:<14} {fmt_time(t):>12} {ratio:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
