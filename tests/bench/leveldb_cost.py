#!/usr/bin/env python3
"""LevelDB cost: the compile time of a real database's full Debug rebuild with its locks
made lockorder's, against the same rebuild with its own std::mutex.

A new user's port, made by this script in a copy of a LevelDB checkout (LevelDB is not
part of lockorder; give the path of a checkout, e.g. a clone of github.com/google/leveldb):
port/port_stdcxx.h's `port::Mutex` wraps a `lockorder::mutex` with a class of its own per
instance and `port::CondVar` a `lockorder::condition_variable` (both of lock classes
declared there); the `leveldb` target links `lockorder::lockorder` (add_subdirectory of
this source tree), so the validator's cold half is compiled once, in liblockorder.a, which
is part of the timed rebuild. The baseline is the untouched copy. Both: CMAKE_BUILD_TYPE
Debug (the runtime is on: no NDEBUG), C++20, no tests or benchmarks (their submodules are
not needed), the chosen compiler.

Usage: leveldb_cost.py LEVELDB_DIR [N] [CXX...]   N rebuilds of each (default 3, interleaved:
the machine's drift hits both alike), CXX default g++. Prints a Markdown table of the
median CPU time (user + sys of the build and everything it runs) of `cmake --build -j2`
after a clean, of db/db_impl.cc alone (compiled with its own command from
compile_commands.json), and the ratios."""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from header_cost import compile_time  # noqa: E402

PORT_CLASSES = """#include <lockorder/condition_variable.hpp>
#include <lockorder/mutex.hpp>

namespace leveldb {
namespace port {
LOCKORDER_CLASS(port_mutex);    // each port::Mutex has a class of its own (own_class)
LOCKORDER_CLASS(port_condvar);  // and so has each port::CondVar
}  // namespace port
}  // namespace leveldb
"""

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r

def edit(path, old, new):
    with open(path) as fh:
        text = fh.read()
    if old not in text:
        sys.exit(f"{path}: '{old}' not found: not the port_stdcxx.h this script knows")
    with open(path, "w") as fh:
        fh.write(text.replace(old, new, 1))

def port_to_lockorder(src):
    port = os.path.join(src, "port", "port_stdcxx.h")
    edit(port, "#include <mutex>  // NOLINT\n", "#include <mutex>  // NOLINT\n" + PORT_CLASSES)
    edit(port, "  std::mutex mu_;", "  lockorder::mutex<port_mutex> mu_{lockorder::own_class};")
    edit(port, "std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);",
         "std::unique_lock<lockorder::mutex<port_mutex>> lock(mu_->mu_, std::adopt_lock);")
    edit(port, "  std::condition_variable cv_;",
         "  lockorder::condition_variable<port_condvar> cv_{lockorder::own_class};")
    with open(os.path.join(src, "CMakeLists.txt"), "a") as fh:
        fh.write(f"\nadd_subdirectory({ROOT} lockorder EXCLUDE_FROM_ALL)\n"
                 "target_link_libraries(leveldb lockorder::lockorder)\n")

def configure(src, build, cxx):
    run(["cmake", "-S", src, "-B", build, "-G", "Unix Makefiles", "-DCMAKE_BUILD_TYPE=Debug",
         f"-DCMAKE_CXX_COMPILER={cxx}", "-DCMAKE_CXX_STANDARD=20",
         "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DLEVELDB_BUILD_TESTS=OFF",
         "-DLEVELDB_BUILD_BENCHMARKS=OFF", "-DLEVELDB_INSTALL=OFF"])

def rebuild(build):
    run(["cmake", "--build", build, "--target", "clean"])
    return compile_time(["cmake", "--build", build, "-j2"])

def db_impl(build):
    with open(os.path.join(build, "compile_commands.json")) as fh:
        entry = next(e for e in json.load(fh) if e["file"].endswith("db/db_impl.cc"))
    cmd = re.sub(r" -o \S+", " -o /dev/null", entry["command"])
    return compile_time(cmd, shell=True, cwd=entry["directory"])

def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    leveldb = os.path.abspath(args.pop(0))
    n = int(args.pop(0)) if args and args[0].isdigit() else 3
    compilers = args or ["g++"]
    print("| compiler (Debug, -j2) | LevelDB | full rebuild | ratio | db/db_impl.cc | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        trees = {}
        for name in ("std::mutex", "lockorder"):
            src = os.path.join(d, name.replace("::", "_"), "src")
            shutil.copytree(leveldb, src, ignore=shutil.ignore_patterns(".git"))
            if name == "lockorder":
                port_to_lockorder(src)
            trees[name] = src
        for cxx in compilers:
            builds = {}
            for name, src in trees.items():
                builds[name] = os.path.join(os.path.dirname(src), "build-" + cxx.replace("+", "x"))
                configure(src, builds[name], cxx)
                run(["cmake", "--build", builds[name], "-j2"])  # it builds, once untimed
            full = {name: [] for name in trees}
            one = {name: [] for name in trees}
            for _ in range(n):
                for name, build in builds.items():
                    full[name].append(rebuild(build))
                    one[name].append(db_impl(build))
            base_full = statistics.median(full["std::mutex"])
            base_one = statistics.median(one["std::mutex"])
            for name in trees:
                f, o = statistics.median(full[name]), statistics.median(one[name])
                print(f"| {cxx} | {name} | {f:.1f} s | {f / base_full:.2f}x | {o:.2f} s | "
                      f"{o / base_one:.2f}x |", flush=True)

if __name__ == "__main__":
    main()
