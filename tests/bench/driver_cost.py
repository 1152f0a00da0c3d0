#!/usr/bin/env python3
"""Driver cost: the compile time of a realistic program (tests/bench/driver/: a driver of
five files, 25 classes, boundary types across files, callbacks, worker threads) built
against lockorder and against the std locks it wraps (-DDRIVER_STD=1: std::mutex, std RAII,
plain parameters), the same source either way.

Variants, each every .cpp of the driver compiled with -c -O0 -std=c++20:
  std          -DDRIVER_STD=1, no lockorder header
  runtime on   -DLOCKORDER_RUNTIME=1 -DLOCKORDER_SEPARATE_VALIDATOR=1: the validator's cold
               half is compiled once per program, in one more TU (what lockorder::lockorder
               builds); that TU is timed apart and not in the per-TU sums
  runtime off  -DLOCKORDER_RUNTIME=0

Usage: driver_cost.py [N] CXX [CXX...]   N repetitions (default 5), each compiling every
variant in a random order (the machine's drift hits all alike); prints a Markdown table of
median CPU times (user + sys) per TU and of the sum over the TUs, and the sum's ratio to std.
       driver_cost.py --instructions CXX [CXX...]   each TU compiled once under valgrind
(cachegrind, no cache simulation): the instructions the compiler executes, repeatable where
the times are not; a Markdown table in billions of instructions (G).
       driver_cost.py --check CXX [CXX...]   builds and runs each variant's program once
(with LOCKORDER_OPTIONS=mode=abort: a run-time report fails it); exits 1 unless every one
exits 0 without a report."""
import glob
import os
import random
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from header_cost import compile_instructions, compile_time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.join(HERE, "..", "..", "include")
DRIVER = os.path.join(HERE, "driver")
SOURCES = sorted(glob.glob(os.path.join(DRIVER, "*.cpp")))
VARIANTS = [
    ("std", ["-DDRIVER_STD=1"]),
    ("lockorder, runtime on, validator compiled once",
     ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]),
    ("lockorder, runtime off", ["-DLOCKORDER_RUNTIME=0"]),
]
VALIDATOR = "validator"  # the one TU that includes <lockorder/validator.ipp>

def compile_cmd(cxx, src, defines, out):
    return [cxx, "-std=c++20", "-O0", "-c", f"-I{INCLUDE}", *defines, src, "-o", out]

def validator_tu(d):
    path = os.path.join(d, "validator.cpp")
    with open(path, "w") as fh:
        fh.write("#include <lockorder/validator.ipp>\n")
    return path

def check(compilers):
    ok = True
    with tempfile.TemporaryDirectory() as d:
        vsrc = validator_tu(d)
        for cxx in compilers:
            for label, defines in VARIANTS:
                objs = []
                sources = SOURCES + ([vsrc] if "-DLOCKORDER_RUNTIME=1" in defines else [])
                for src in sources:
                    objs.append(os.path.join(d, os.path.basename(src) + ".o"))
                    compile_time(compile_cmd(cxx, src, defines, objs[-1]))
                prog = os.path.join(d, "driver")
                compile_time([cxx, "-pthread", *objs, "-o", prog])
                env = dict(os.environ, LOCKORDER_OPTIONS="mode=abort")
                r = subprocess.run([prog], capture_output=True, text=True, env=env, timeout=120)
                good = r.returncode == 0 and "lockorder" not in r.stderr
                ok &= good
                print(f"{cxx}, {label}: exit {r.returncode}: {r.stdout.strip()}"
                      + ("" if good else f"\n{r.stderr}"), flush=True)
    return ok

def measure(n, compilers):
    names = [os.path.basename(s) for s in SOURCES]
    print(f"| compiler (-O0) | variant | {' | '.join(names)} | sum | ratio to std |")
    print("|---|---|" + "---|" * len(names) + "---|---|")
    with tempfile.TemporaryDirectory() as d:
        vsrc = validator_tu(d)
        for cxx in compilers:
            jobs = [(label, defines) for label, defines in VARIANTS] + \
                   [(VALIDATOR, ["-DLOCKORDER_SEPARATE_VALIDATOR=1"])]
            per_tu = {label: {s: [] for s in SOURCES} for label, _ in VARIANTS}
            sums = {label: [] for label, _ in jobs}
            for _ in range(n):
                random.shuffle(jobs)  # interleaved, in a new order each repetition
                for label, defines in jobs:
                    if label == VALIDATOR:
                        sums[label].append(compile_time(compile_cmd(cxx, vsrc, defines, os.devnull)))
                        continue
                    total = 0.0
                    for src in SOURCES:
                        t = compile_time(compile_cmd(cxx, src, defines, os.devnull))
                        per_tu[label][src].append(t)
                        total += t
                    sums[label].append(total)
            base = statistics.median(sums["std"])
            for label, _ in VARIANTS:
                cells = " | ".join(f"{statistics.median(per_tu[label][s]):.2f} s" for s in SOURCES)
                m = statistics.median(sums[label])
                print(f"| {cxx} | {label} | {cells} | {m:.2f} s | {m / base:.2f}x |", flush=True)
            # The validator TU alone, and with the runtime-on TUs of the same repetition:
            # what a full rebuild of this program costs with the runtime on.
            on = VARIANTS[1][0]
            blank = " | ".join("" for _ in SOURCES)
            for label, times in [
                    ("validator.ipp TU, once per program (not in the sums above)", sums[VALIDATOR]),
                    ("runtime on, whole program (TUs + validator TU)",
                     [a + b for a, b in zip(sums[on], sums[VALIDATOR])])]:
                m = statistics.median(times)
                print(f"| {cxx} | {label} | {blank} | {m:.2f} s | {m / base:.2f}x |", flush=True)

def measure_instructions(compilers):
    """One compile of each TU under valgrind (repeatable): instructions, in billions."""
    names = [os.path.basename(s) for s in SOURCES]
    print(f"| compiler (-O0) | variant | {' | '.join(names)} | sum | ratio to std |")
    print("|---" * (len(names) + 4) + "|")
    with tempfile.TemporaryDirectory() as d:
        vsrc = validator_tu(d)
        for cxx in compilers:
            sums = {}
            for label, defines in VARIANTS:
                counts = [compile_instructions(compile_cmd(cxx, s, defines, os.devnull))
                          for s in SOURCES]
                sums[label] = sum(counts)
                cells = " | ".join(f"{c / 1e9:.2f} G" for c in counts)
                print(f"| {cxx} | {label} | {cells} | {sums[label] / 1e9:.2f} G | "
                      f"{sums[label] / sums['std']:.2f}x |", flush=True)
            v = compile_instructions(compile_cmd(cxx, vsrc, ["-DLOCKORDER_SEPARATE_VALIDATOR=1"],
                                                 os.devnull))
            blank = " | ".join("" for _ in SOURCES)
            print(f"| {cxx} | validator.ipp TU, once per program | {blank} | {v / 1e9:.2f} G | "
                  f"{v / sums['std']:.2f}x |", flush=True)

def main():
    args = sys.argv[1:]
    if args and args[0] == "--check":
        sys.exit(0 if check(args[1:]) else 1)
    if args and args[0] == "--instructions":
        measure_instructions(args[1:])
        return
    n = int(args.pop(0)) if args and args[0].isdigit() else 5
    measure(n, args)

if __name__ == "__main__":
    main()
