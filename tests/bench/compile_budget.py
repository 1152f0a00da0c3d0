#!/usr/bin/env python3
"""Compile-time budget: writes two translation units with the same shape and times them.

  lockorder.cpp: 200 lock classes (150 ranked, 50 unranked with 50 declared after<>
                 orders), one lock each, and 1,000 acquisitions checked through contexts
                 (250 functions, each a chain of 4 locks in order).
  plain.cpp:     the same 200 locks as std::mutex, the same 1,000 acquisitions with
                 std::lock_guard.
  model.cpp:     the same acquisitions against compile_model.hpp, the skeleton of the
                 old design (a new guard type per acquisition, a level check, nothing
                 else): the floor of any design of this shape.
  model_innermost.cpp: the skeleton of a context carrying only its innermost class
                 (MODEL_INNERMOST): the floor of lockorder's current design.

Usage: compile_budget.py [--opt=-O2] OUT_DIR CXX [CXX...]   prints a Markdown table: median
wall time of 3 compiles (-c, -O0 unless --opt) and peak memory (max RSS), and the ratio
to plain, for the lockorder TU through the umbrella header and through context.hpp alone,
with the run-time validator on and off, and for the model."""
import os
import random
import statistics
import subprocess
import sys

def write(out, scale=1):
    """scale: divides every count (tests/bench/cost_guard.py writes a reduced TU)."""
    rnd = random.Random(20261121)
    ranked = [f"ranked_{i}" for i in range(150 // scale)]
    unranked = [f"declared_{i}" for i in range(50 // scale)]
    lo = ["#include <lockorder/lockorder.hpp>", ""]
    pl = ["#include <mutex>", ""]
    for i, c in enumerate(ranked):
        lo.append(f"LOCKORDER_CLASS({c}, {10 * (i + 1)});")
    for i, c in enumerate(unranked):  # a declared chain: declared_i after declared_{i-1}
        if i == 0:
            lo.append(f"LOCKORDER_CLASS({c});")
        else:
            lo.append(f'LOCKORDER_CLASS({c}, lockorder::after<{unranked[i-1]}, "step {i}">);')
    for c in ranked + unranked:
        lo.append(f"lockorder::mutex<{c}> m_{c};")
        pl.append(f"std::mutex m_{c};")
    for f in range(250 // scale):
        pool = ranked if f % 5 else unranked
        chain = sorted(rnd.sample(range(len(pool)), 4))
        names = [pool[i] for i in chain]
        lo.append(f"void f{f}() {{")
        lo.append(f"  auto g0 = lockorder::unlocked().lock(m_{names[0]});")
        for k in range(1, 4):
            lo.append(f"  auto g{k} = g{k-1}.lock(m_{names[k]});")
        lo.append("}")
        pl.append(f"void f{f}() {{")
        for k in range(4):
            pl.append(f"  std::lock_guard g{k}(m_{names[k]});")
        pl.append("}")
    model = [l.replace("<lockorder/lockorder.hpp>", '"compile_model.hpp"')
             .replace("lockorder::mutex", "model::mutex")
             .replace("lockorder::unlocked()", "model::unlocked()") for l in lo]
    for i, c in enumerate(ranked):
        model[model.index(f"LOCKORDER_CLASS({c}, {10 * (i + 1)});")] = \
            f"MODEL_CLASS({c}, {10 * (i + 1)});"
    for i, c in enumerate(unranked):  # the declared chain as levels
        k = next(j for j, l in enumerate(model) if l.startswith(f"LOCKORDER_CLASS({c}"))
        model[k] = f"MODEL_CLASS({c}, {10000 + i});"
    # The same model with a context that carries only the innermost class (netstack3's
    # Locked<L>; lockorder's design since the boundary types): types bounded by classes.
    inner = [l.replace('"compile_model.hpp"', '"compile_model.hpp"\n#define MODEL_INNERMOST 1')
             if l.startswith("#include") else l for l in model]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.cpp"), "w") as fh:
        fh.write("\n".join(model) + "\n")
    with open(os.path.join(out, "model_innermost.cpp"), "w") as fh:
        fh.write("\n".join(inner) + "\n")
    with open(os.path.join(out, "lockorder.cpp"), "w") as fh:
        fh.write("\n".join(lo) + "\n")
    with open(os.path.join(out, "plain.cpp"), "w") as fh:
        fh.write("\n".join(pl) + "\n")

def measure(cxx, src, include, opt, defines=()):
    times, mems = [], []
    for _ in range(3):
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", cxx, "-std=c++20", opt, "-c",
                            f"-I{include}", f"-I{os.path.dirname(os.path.abspath(__file__))}",
                            *defines, src, "-o", os.devnull],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{cxx} {src} failed:\n{r.stderr}")
        t, m = r.stderr.strip().splitlines()[-1].split()
        times.append(float(t))
        mems.append(int(m))
    return statistics.median(times), max(mems) / 1024

# The lockorder TU in four configurations: the umbrella header or only the core one
# (context.hpp, all that the TU uses), with the run-time validator on (a debug build's
# default) or compiled out (NDEBUG's default).
VARIANTS = [("lockorder.hpp, runtime on", "lockorder.cpp", ["-DLOCKORDER_RUNTIME=1"]),
            ("lockorder.hpp, runtime on, validator compiled once", "lockorder.cpp",
             ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]),
            ("lockorder.hpp, runtime off", "lockorder.cpp", ["-DLOCKORDER_RUNTIME=0"]),
            ("context.hpp, runtime on", "core.cpp", ["-DLOCKORDER_RUNTIME=1"]),
            ("context.hpp, runtime on, validator compiled once", "core.cpp",
             ["-DLOCKORDER_RUNTIME=1", "-DLOCKORDER_SEPARATE_VALIDATOR=1"]),
            ("context.hpp, runtime off", "core.cpp", ["-DLOCKORDER_RUNTIME=0"])]

def main():
    args = sys.argv[1:]
    opt = "-O0"
    if args and args[0].startswith("--opt="):
        opt = args.pop(0)[len("--opt="):]
    out, compilers = args[0], args[1:]
    write(out)
    with open(os.path.join(out, "lockorder.cpp")) as fh:
        text = fh.read()
    with open(os.path.join(out, "core.cpp"), "w") as fh:
        fh.write(text.replace("<lockorder/lockorder.hpp>", "<lockorder/context.hpp>"))
    include = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include")
    print(f"| compiler ({opt}) | configuration | plain std::mutex | lockorder | time ratio | peak memory (plain / lockorder) |")
    print("|---|---|---|---|---|---|")
    for cxx in compilers:
        tp, mp = measure(cxx, os.path.join(out, "plain.cpp"), include, opt)
        for name, src, defines in VARIANTS + [
                ("model: held set in the type (compile_model.hpp)", "model.cpp", []),
                ("model: innermost class only (MODEL_INNERMOST)", "model_innermost.cpp", [])]:
            tl, ml = measure(cxx, os.path.join(out, src), include, opt, defines)
            print(f"| {cxx} | {name} | {tp:.2f} s | {tl:.2f} s | {tl / tp:.2f}x | "
                  f"{mp:.0f} MiB / {ml:.0f} MiB |", flush=True)

if __name__ == "__main__":
    main()
