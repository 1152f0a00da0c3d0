#!/usr/bin/env python3
"""Compile-time regression guard (ctest: bench.compile_cost.<compiler>): a few translation
units compiled interleaved with their baselines (-c -O0, median of N runs), each ratio
checked against a limit. The limits sit well above today's ratios (docs/performance.md:
g++ 1.15 / 1.27 / 1.26 / 1.85 / 2.81, clang++ 1.11 / 1.23 / 1.20 / 1.58 / 2.30) so that a
noisy 2-core machine passes, and below twice them, so that a change that doubles a ratio
fails.

Usage: cost_guard.py [N] CXX   exits 1 if a ratio is above its limit."""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compile_budget  # noqa: E402
from header_cost import INCLUDE, WRAPPED, tu, compile_time  # noqa: E402

ONCE = ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]
# (label, our TU, baseline TU, our defines, limit). Files are written below.
CHECKS = [
    ("context.hpp alone, runtime off, against <mutex>", "ctx.cpp", "mutex.cpp",
     ["-DLOCKORDER_RUNTIME=0"], 1.5),
    ("context.hpp alone, runtime on (validator once), against <mutex>", "ctx.cpp", "mutex.cpp",
     ONCE, 1.8),
    ("lockorder.hpp alone, runtime on (validator once), against the headers it wraps",
     "umbrella.cpp", "wrapped.cpp", ONCE, 1.8),
    ("reduced budget TU (30 classes, 50 chains of 4), runtime off", "core.cpp", "plain.cpp",
     ["-DLOCKORDER_RUNTIME=0"], 3.0),
    ("reduced budget TU (30 classes, 50 chains of 4), runtime on (validator once)", "core.cpp",
     "plain.cpp", ONCE, 4.2),
]

def main():
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 5
    cxx = args[0]
    failed = False
    with tempfile.TemporaryDirectory() as d:
        tu(d, "ctx.cpp", ["lockorder/context.hpp"])
        tu(d, "mutex.cpp", ["mutex"])
        tu(d, "umbrella.cpp", ["lockorder/lockorder.hpp"])
        tu(d, "wrapped.cpp", WRAPPED)
        compile_budget.write(d, scale=5)
        with open(os.path.join(d, "lockorder.cpp")) as fh:
            text = fh.read()
        with open(os.path.join(d, "core.cpp"), "w") as fh:
            fh.write(text.replace("<lockorder/lockorder.hpp>", "<lockorder/context.hpp>"))
        base = [cxx, "-std=c++20", "-O0", "-c", f"-I{INCLUDE}", "-o", os.devnull]
        for label, ours, theirs, defines, limit in CHECKS:
            ta, tb = [], []
            for _ in range(n):  # interleaved: the machine's drift hits both alike
                tb.append(compile_time([*base, os.path.join(d, theirs)]))
                ta.append(compile_time([*base, *defines, os.path.join(d, ours)]))
            ratio = statistics.median(ta) / statistics.median(tb)
            ok = ratio <= limit
            failed |= not ok
            print(f"{'ok  ' if ok else 'FAIL'} {cxx}: {label}: {ratio:.2f}x (limit {limit}x; "
                  f"{statistics.median(tb):.2f} s -> {statistics.median(ta):.2f} s)", flush=True)
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
