#!/usr/bin/env python3
"""Prints the import graph between readylint's top-level modules and its cycles.

Usage: scripts/module-graph.py [--strict]   (exit 1 with --strict when a cycle spans
more than one top-level module). Reads `crate::` paths in src/; comments are skipped."""
import re, sys, pathlib, collections

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
edges = collections.defaultdict(set)
for f in SRC.rglob("*.rs"):
    rel = f.relative_to(SRC).parts
    top = rel[0][:-3] if rel[0].endswith(".rs") else rel[0]
    if top in ("main", "lib"):
        continue
    for line in f.read_text().splitlines():
        code = line.split("//")[0]
        for m in re.finditer(r"crate::(\w+)", code):
            t = m.group(1)
            if t != top and (SRC / (t + ".rs")).exists() or (SRC / t).is_dir():
                if t != top:
                    edges[top].add(t)
# strongly connected components (Tarjan)
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
nodes = set(edges) | {w for ws in edges.values() for w in ws}
for v in sorted(nodes):
    if v not in index:
        visit(v)
for k in sorted(edges):
    print(f"{k} -> {', '.join(sorted(edges[k]))}")
cycles = [sorted(c) for c in sccs if len(c) > 1]
print("cycles:", cycles or "none")
sys.exit(1 if cycles and "--strict" in sys.argv else 0)
