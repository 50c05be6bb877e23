"""The reference implementation's figures for the March docking, as one table.

    /usr/bin/python3 tests/reference/grid.py [--reps N] [--jobs J] > tests/reference/march_reference.tsv

Every row is one cell: the experiment it belongs to, the variant of the rules, the
parameters, the period at which knowledge is read, the replications and the mean and
standard deviation over them of March's knowledge of the code. Experiments:

grid        p1 in 0.1..0.9 x p2 in {0.1, 0.5, 0.9} x p3 in {0, 0.1} x p4 in {0, 0.02},
            period 100, March's rules as his program has them ("christensen");
variants    the same p1 x p2 at p3 = p4 = 0 under the other readings ("paper", "basic");
mix         p2 = 0.5, a share of slow socialisers (p1 = 0.1) among fast ones (p1 = 0.9),
            and beside each a uniform population at the same mean rate;
turnover    p2 = 0.5, p1 in {0.1, 0.5, 0.9}, p3 from 0 to 0.5, period 100;
turbulence  p1 = p2 = 0.5, p4 = 0.02, p3 in {0, 0.02, 0.1}, read at several periods.

Replications run in chunks of 1000, each with its own seed (the cell's number and the
chunk's), so a cell's figure does not depend on --jobs.
"""

import argparse
import hashlib
import os
import sys
from multiprocessing import Pool

import numpy as np

import march1991 as M

CHUNK = 1000
P1_GRID = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
P2_GRID = [0.1, 0.5, 0.9]


def cells(reps):
    """(experiment, variant, p1, p2, p3, p4, slow_share, slow_p1, periods read, reps)."""
    out = []
    for p3 in (0.0, 0.1):
        for p4 in (0.0, 0.02):
            for p2 in P2_GRID:
                for p1 in P1_GRID:
                    out.append(("grid", "christensen", p1, p2, p3, p4, 0.0, 0.1, (100,), reps))
    for variant in ("paper", "basic"):
        for p2 in P2_GRID:
            for p1 in P1_GRID:
                out.append(("variants", variant, p1, p2, 0.0, 0.0, 0.0, 0.1, (100,), reps // 2))
    for share in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        out.append(("mix", "christensen", 0.9, 0.5, 0.0, 0.0, share, 0.1, (100,), reps))
        out.append(("mix", "christensen", round(0.9 - 0.8 * share, 10), 0.5, 0.0, 0.0, 0.0, 0.1, (100,), reps))
    for p1 in (0.1, 0.5, 0.9):
        for p3 in (0.0, 0.02, 0.05, 0.1, 0.2, 0.5):
            out.append(("turnover", "christensen", p1, 0.5, p3, 0.0, 0.0, 0.1, (100,), reps))
    for p3 in (0.0, 0.02, 0.1):
        out.append(("turbulence", "christensen", 0.5, 0.5, p3, 0.02, 0.0, 0.1, (10, 20, 50, 100, 200), reps))
    return out


def run_cell(args):
    number, (experiment, variant, p1, p2, p3, p4, share, slow_p1, reads, reps) = args
    values = {t: [] for t in reads}
    for chunk in range((reps + CHUNK - 1) // CHUNK):
        n = min(CHUNK, reps - chunk * CHUNK)
        path = M.simulate(p1, p2, p3, p4, periods=max(reads), reps=n, rules=M.VARIANTS[variant],
                          seed=[number, chunk], slow_share=share, slow_p1=slow_p1, trajectory=True)
        for t in reads:
            values[t].append(path[t])
    rows = []
    for t in reads:
        k = np.concatenate(values[t])
        rows.append((experiment, variant, p1, p2, p3, p4, share, slow_p1, t, reps, k.mean(), k.std(ddof=1)))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=10000, help="replications a cell (default 10000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cells simulated at once")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "march1991.py"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    todo = list(enumerate(cells(a.reps)))
    with Pool(a.jobs) as pool:
        results = pool.map(run_cell, todo, chunksize=1)
    print(f"# March (1991) reference figures: /usr/bin/python3 tests/reference/grid.py --reps {a.reps}")
    print(f"# march1991.py sha256 {digest}; NumPy {np.__version__}")
    print("experiment\tvariant\tp1\tp2\tp3\tp4\tslow_share\tslow_p1\tperiod\treps\tmean\tsd")
    for rows in results:
        for r in rows:
            print("\t".join([r[0], r[1]] + [f"{x:g}" for x in r[2:8]] + [str(r[8]), str(r[9]), f"{r[10]:.5f}",
                                                                          f"{r[11]:.5f}"]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
