#!/usr/bin/env python3
"""ratios.py RESULTS_DIR: warmcgi's requests/s beside the peers measured in the same run.

peers.sh leaves the EXTRA servers out of its summary (their CPU is not its children's), so
this reads results.tsv itself: per script and concurrency, the median rps of each server
and warmcgi's ratio to each peer.
"""
import csv
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
with open(sys.argv[1] + "/results.tsv") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        rows[(r["script"], int(r["conc"]), r["server"])].append(r)

def med(key, field):
    vals = [float(r[field]) for r in rows.get(key, []) if r[field] not in ("", "NA")]
    return statistics.median(vals) if vals else None

servers = sorted({k[2] for k in rows})
ours = [s for s in servers if s.startswith("warmcgi")]
peers = [s for s in servers if not s.startswith("warmcgi")]
print("| script | conc | server | rps | p50 ms | p99 ms | " + " | ".join("x " + p for p in peers) + " |")
print("|---|---|---|---|---|---|" + "---|" * len(peers))
for script, conc in sorted({(k[0], k[1]) for k in rows}):
    for server in peers + ours:
        rps = med((script, conc, server), "rps")
        if rps is None:
            continue
        ratios = []
        for p in peers:
            ref = med((script, conc, p), "rps")
            ratios.append("%.2f" % (rps / ref) if ref and server in ours else "")
        print("| %s | %d | %s | %.1f | %.2f | %.2f | %s |" % (
            script, conc, server, rps, med((script, conc, server), "p50_ms"),
            med((script, conc, server), "p99_ms"), " | ".join(ratios)))
