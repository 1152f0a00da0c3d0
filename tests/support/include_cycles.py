#!/usr/bin/env python3
"""Fails on any include cycle among lockorder's headers (include/lockorder/**): prints each
cycle as a chain of headers. Usage: include_cycles.py INCLUDE_DIR"""
import os
import re
import sys

def main():
    root = sys.argv[1]
    graph = {}
    for d, _, files in os.walk(os.path.join(root, "lockorder")):
        for f in files:
            path = os.path.join(d, f)
            with open(path) as fh:
                graph[os.path.relpath(path, root)] = re.findall(
                    r'^\s*#\s*include\s*<(lockorder/[^>]+)>', fh.read(), re.M)
    cycles, done = [], set()

    def visit(node, stack):
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt in stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack)
        stack.pop()
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node, [])
    for c in cycles:
        print("include cycle: " + " -> ".join(c))
    print(f"{len(graph)} headers, {len(cycles)} include cycles")
    sys.exit(1 if cycles else 0)

if __name__ == "__main__":
    main()
