#!/usr/bin/env python3
"""Header cost: a translation unit that only includes a header, against one that only
includes what it is compared with, compiled interleaved (-c -O0), median of N runs.

Usage: header_cost.py [N] CXX [CXX...]   prints a Markdown table of median CPU times (user + sys) and
the ratio. Rows: <lockorder/context.hpp> against <mutex> (runtime off; runtime on with the
validator compiled once, as lockorder::lockorder builds it; runtime on, header-only), and
<lockorder/lockorder.hpp> against the standard and Boost headers it wraps."""
import os
import re
import statistics
import resource
import shutil
import subprocess
import sys
import tempfile

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

def compile_time(cmd, **kw):
    """The CPU time (user + sys) of one run of cmd (a compiler, or a build and everything
    it runs): unlike wall time, it does not grow when the 2-core machine schedules
    something else beside it. Exits with cmd's output if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        shown = cmd if isinstance(cmd, str) else " ".join(cmd)
        sys.exit(f"{shown} failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def compile_instructions(cmd):
    """The instructions one compiler run executes (every process it starts: g++'s cc1plus
    and as), counted by valgrind's cachegrind without cache simulation: the same from run
    to run within a fraction of a percent, where CPU times on this machine move by 15%."""
    if not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
                        "--cachegrind-out-file=/dev/null", *cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed under valgrind:\n{r.stderr[-3000:]}")
    counts = re.findall(r"I\s+refs:\s+([\d,]+)", r.stderr)
    if not counts:
        sys.exit(f"no instruction count from valgrind for {' '.join(cmd)}:\n{r.stderr[-3000:]}")
    return sum(int(c.replace(",", "")) for c in counts)

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
                    tb.append(compile_time([cxx, *base, b]))
                    ta.append(compile_time([cxx, *base, *defines, a]))
                ma, mb = statistics.median(ta), statistics.median(tb)
                print(f"| {cxx} | {label} | {mb:.2f} s | {ma:.2f} s | {ma / mb:.2f}x |",
                      flush=True)

if __name__ == "__main__":
    main()
