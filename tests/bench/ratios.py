#!/usr/bin/env python3
"""Prints each benchmark's median time and its ratio to the std::mutex case of the same
run (same loop, same file). Usage: ratios.py run.json [run.json ...]"""
import json
import re
import sys

BASE = {"lock_unlock": "lock_unlock<std::mutex>",
        "nested4": "nested4<std::mutex, std::mutex, std::mutex, std::mutex>",
        "pool64": "pool64<std::mutex>/real_time/threads:2"}

for path in sys.argv[1:]:
    data = json.load(open(path))
    med = {b["run_name"]: b["real_time"] for b in data["benchmarks"]
           if b.get("aggregate_name") == "median"}
    print(f"== {path}")
    for name, t in med.items():
        family = re.match(r"[a-z_0-9]+", name).group(0)
        base = med.get(BASE.get(family, ""), None)
        ratio = f"{t / base:5.2f}x" if base else "     "
        print(f"  {t:9.2f} ns  {ratio}  {name}")
