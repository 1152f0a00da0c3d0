#!/usr/bin/env python3
"""Fails when a lockorder header (include/lockorder/**) is longer than the house limit of
600 lines: prints each one with its length. Usage: header_sizes.py INCLUDE_DIR [LIMIT]"""
import os
import sys

def main():
    root = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    sizes = {}
    for d, _, files in os.walk(os.path.join(root, "lockorder")):
        for f in files:
            path = os.path.join(d, f)
            with open(path) as fh:
                sizes[os.path.relpath(path, root)] = sum(1 for _ in fh)
    over = sorted((n, p) for p, n in sizes.items() if n > limit)
    for n, p in over:
        print(f"{p}: {n} lines (limit {limit})")
    longest = max(sizes.items(), key=lambda kv: kv[1])
    print(f"{len(sizes)} headers, {len(over)} over {limit} lines; longest {longest[0]} ({longest[1]})")
    sys.exit(1 if over or not sizes else 0)

if __name__ == "__main__":
    main()
