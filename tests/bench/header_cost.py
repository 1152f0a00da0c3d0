#!/usr/bin/env python3
"""Header cost: a translation unit that only includes a header, against one that only
includes what it is compared with, compiled interleaved (-c -O0), median of N runs.

Usage: header_cost.py [N] CXX [CXX...]   prints a Markdown table of median wall times and
the ratio. Rows: <lockorder/context.hpp> against <mutex> (runtime off; runtime on with the
validator compiled once, as lockorder::lockorder builds it; runtime on, header-only), and
<lockorder/lockorder.hpp> against the standard and Boost headers it wraps."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

INCLUDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include")
WRAPPED = ["mutex", "shared_mutex", "thread", "future", "condition_variable", "latch",
           "barrier", "semaphore", "boost/pfr.hpp"]
ROWS = [
    ("context.hpp, runtime off", ["lockorder/context.hpp"], ["mutex"], ["-DLOCKORDER_RUNTIME=0"]),
    ("context.hpp, runtime on, validator compiled once", ["lockorder/context.hpp"], ["mutex"],
     ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]),
    ("context.hpp, runtime on, header-only", ["lockorder/context.hpp"], ["mutex"],
     ["-DLOCKORDER_RUNTIME=1"]),
    ("lockorder.hpp, runtime on, validator compiled once", ["lockorder/lockorder.hpp"], WRAPPED,
     ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]),
    ("lockorder.hpp, runtime on, header-only", ["lockorder/lockorder.hpp"], WRAPPED,
     ["-DLOCKORDER_RUNTIME=1"]),
]

def tu(d, name, headers):
    path = os.path.join(d, name)
    with open(path, "w") as fh:
        fh.write("".join(f"#include <{h}>\n" for h in headers))
    return path

def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t

def main():
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 7
    print(f"| compiler (-O0) | TU | baseline | lockorder | ratio |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for cxx in args:
            for label, ours, theirs, defines in ROWS:
                a = tu(d, "ours.cpp", ours)
                b = tu(d, "base.cpp", theirs)
                base = ["-std=c++20", "-O0", "-c", f"-I{INCLUDE}", "-o", os.devnull]
                ta, tb = [], []
                for _ in range(n):  # interleaved: the machine's drift hits both alike
                    tb.append(wall([cxx, *base, b]))
                    ta.append(wall([cxx, *base, *defines, a]))
                ma, mb = statistics.median(ta), statistics.median(tb)
                print(f"| {cxx} | {label} | {mb:.2f} s | {ma:.2f} s | {ma / mb:.2f}x |",
                      flush=True)

if __name__ == "__main__":
    main()
