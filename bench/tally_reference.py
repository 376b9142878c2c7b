#!/usr/bin/env python3
"""A straightforward pure-Python Schulze count (winning votes), the yardstick for
`npm run bench:tally`. It follows SPEC section 7 the way Elekto's code does:
dictionaries keyed by candidate pairs, every ranked pair of every ballot, then
Floyd-Warshall over the strongest paths. It streams the CSV like scrutin does.

Usage: python3 bench/tally_reference.py FILE.csv
Prints one JSON line: {"ballots": N, "ranking": [[ids...], ...], "seconds": S}.
"""
import csv
import json
import sys
import time

NO_OPINION_RANK = 100000000


def count(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        candidates = [c.strip() for c in next(reader)]
        d = {(x, y): 0 for x in candidates for y in candidates if x != y}
        ballots = 0
        for row in reader:
            if not row:
                continue
            ranked = []
            for candidate, cell in zip(candidates, row):
                cell = cell.strip()
                if cell.lower() == "no opinion":
                    continue
                rank = int(cell)
                if rank != NO_OPINION_RANK:
                    ranked.append((candidate, rank))
            for x, rx in ranked:
                for y, ry in ranked:
                    if rx < ry:
                        d[(x, y)] += 1
            ballots += 1
    return candidates, d, ballots


def schulze(candidates, d):
    p = {}
    for x in candidates:
        for y in candidates:
            if x != y:
                p[(x, y)] = d[(x, y)] if d[(x, y)] > d[(y, x)] else 0
    for i in candidates:
        for j in candidates:
            if i == j:
                continue
            for k in candidates:
                if k != i and k != j:
                    p[(j, k)] = max(p[(j, k)], min(p[(j, i)], p[(i, k)]))
    beaten_by = {}
    for x in candidates:
        beaten_by[x] = sum(1 for y in candidates if y != x and p[(y, x)] > p[(x, y)])
    groups = {}
    for x in candidates:
        groups.setdefault(beaten_by[x], []).append(x)
    return [sorted(groups[k]) for k in sorted(groups)]


def main():
    start = time.perf_counter()
    candidates, d, ballots = count(sys.argv[1])
    ranking = schulze(candidates, d)
    print(json.dumps({"ballots": ballots, "ranking": ranking, "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
