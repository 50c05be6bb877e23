"""SALib's Sobol and Morris estimators, written again from SALib's documented formulas, as an
independent check on turnaround's sensitivity.csv (tests/test_sensitivity.c runs it).

    /usr/bin/python3 tests/reference/salib_estimators.py ishigami DESIGN.csv [--offset C]
    /usr/bin/python3 tests/reference/salib_estimators.py sweep FOLDER

Only NumPy: SALib itself is not installed here. What is reimplemented, from SALib's
SALib.analyze.sobol.analyze(problem, Y, calc_second_order=False) and
SALib.analyze.morris.analyze(problem, X, Y, num_levels=4):

Sobol. Y holds N (D + 2) outputs in SALib's sample order: for each base sample j, A_j, then
AB_j^1 .. AB_j^D (A_j with factor i taken from B_j), then B_j. SALib first normalises the whole
Y, Y = (Y - mean(Y)) / std(Y), then with V = var(concat(A, B)) (NumPy's var, over 2N)
    S1_i = mean(B * (AB^i - A)) / V           (Saltelli et al. 2010)
    ST_i = 0.5 * mean((A - AB^i) ** 2) / V    (Jansen 1999)
and for the confidence resamples the base samples with replacement, the same resamples for
every factor, and reports S1_conf = z(0.975) * std(resampled S1, ddof=1) (likewise ST_conf);
here, as in turnaround, a resample whose A and B outputs are all equal is left out.

Morris. Trajectories of D + 1 rows one after another; within a trajectory each step changes
one factor, the elementary effect is (Y at the higher value - Y at the lower) / delta with
delta = num_levels / (2 (num_levels - 1)) = 2/3, mu = mean, mu_star = mean of |EE|, sigma =
std(EE, ddof=1), mu_star_conf = z(0.975) * std(bootstrap means of |EE|, ddof=1).

Sweep mode reads a finished sweep folder as a user feeding SALib would: design.csv's rows as
SALib's X (checking that a Sobol design's rows are in SALib's order), and per strategy and
outcome Y = each point's mean over its replications in runs.csv. It applies the rules that
turnaround documents for sensitivity.csv (README.md, "Sensitivity"): status failed or
undefined where some run lacks the outcome, constant where Y's standard deviation is at most
1e-5 of |mean(Y)| (or V = 0), and the noise floor from the replications' variance.
"""

import argparse
import csv
import math
import os
import re
import sys

import numpy as np

Z95 = 1.959963984540054     # the normal distribution's 97.5% point
CONSTANT_REL = 1e-5
RESAMPLES = 2000


class DesignError(Exception):
    pass


def split_saltelli(y, d):
    """A, AB (N x D) and B from Y in SALib's order (calc_second_order=False)."""
    y = np.asarray(y, dtype=float)
    step = d + 2
    if y.size % step:
        raise DesignError(f"{y.size} outputs are not N x (D + 2) for D = {d}")
    a = y[0::step]
    b = y[step - 1::step]
    ab = np.column_stack([y[i + 1::step] for i in range(d)])
    return a, ab, b


def check_saltelli_order(x):
    """Raise DesignError unless the rows of x (N (D + 2) x D) are in SALib's order: in each
    block of D + 2 rows, row 1 + i is row 0 with column i taken from the last row."""
    x = np.asarray(x, dtype=float)
    n_rows, d = x.shape
    if n_rows % (d + 2):
        raise DesignError(f"{n_rows} rows are not N x (D + 2) for D = {d}")
    for j in range(n_rows // (d + 2)):
        block = x[j * (d + 2):(j + 1) * (d + 2)]
        a, b = block[0], block[-1]
        for i in range(d):
            want = a.copy()
            want[i] = b[i]
            if not np.array_equal(block[1 + i], want):
                raise DesignError(f"row {j * (d + 2) + 1 + i} is not row {j * (d + 2)} with factor {i + 1} "
                                  f"from row {j * (d + 2) + d + 1}: not SALib's order")


def sobol_indices(y, d, resamples=RESAMPLES, seed=1):
    """S1, S1_conf, ST, ST_conf (arrays of D) as SALib computes them. None where V = 0."""
    y = np.asarray(y, dtype=float)
    y = (y - y.mean()) / y.std() if y.std() > 0 else y - y.mean()
    a, ab, b = split_saltelli(y, d)
    n = a.size

    def est(idx):
        v = np.var(np.concatenate([a[idx], b[idx]]))
        # A resample whose A and B outputs are all equal has no index (rounding can leave
        # its variance at 1e-33 rather than 0: Y has unit variance here). turnaround
        # leaves such resamples out; SALib's interval would be NaN or absurd.
        if not v > 1e-20:
            return None
        s1 = np.mean(b[idx, None] * (ab[idx] - a[idx, None]), axis=0) / v
        st = 0.5 * np.mean((a[idx, None] - ab[idx]) ** 2, axis=0) / v
        return s1, st

    whole = est(np.arange(n))
    if whole is None:
        return None
    rng = np.random.default_rng(seed)
    firsts, totals = [], []
    for _ in range(resamples):
        e = est(rng.integers(n, size=n))
        if e is not None:
            firsts.append(e[0])
            totals.append(e[1])
    return whole[0], Z95 * np.std(firsts, axis=0, ddof=1), whole[1], Z95 * np.std(totals, axis=0, ddof=1)


def sobol_noise(y, d, noise_var):
    """The noise floor turnaround reports: the total index a factor without effect gets from
    noise of variance noise_var in each output, noise_var / V, and the 95% half-width of its
    first-order index around 0, 1.96 sqrt(2 total / N)."""
    a, _, b = split_saltelli(np.asarray(y, dtype=float) - np.mean(y), d)
    v = np.var(np.concatenate([a, b]))
    total = noise_var / v
    return Z95 * math.sqrt(2 * total / a.size), total


def morris_indices(x, y, resamples=RESAMPLES, seed=1, num_levels=4):
    """mu_star, mu_star_conf, mu, sigma (arrays of D) from trajectories of D + 1 rows."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    d = x.shape[1]
    delta = num_levels / (2.0 * (num_levels - 1))
    r = x.shape[0] // (d + 1)
    ee = np.zeros((d, r))
    for t in range(r):
        xs, ys = x[t * (d + 1):(t + 1) * (d + 1)], y[t * (d + 1):(t + 1) * (d + 1)]
        for s in range(d):
            moved = np.nonzero(xs[s + 1] != xs[s])[0]
            if moved.size != 1:
                raise DesignError(f"trajectory {t}, step {s + 1}: {moved.size} factors move, expected 1")
            i = moved[0]
            up, lo = (ys[s + 1], ys[s]) if xs[s + 1, i] > xs[s, i] else (ys[s], ys[s + 1])
            ee[i, t] = (up - lo) / delta
    rng = np.random.default_rng(seed)
    conf = np.array([Z95 * np.abs(ee[i][rng.integers(r, size=(resamples, r))]).mean(axis=1).std(ddof=1)
                     for i in range(d)])
    return np.abs(ee).mean(axis=1), conf, ee.mean(axis=1), ee.std(axis=1, ddof=1)


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """The analytic first-order and total indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def design_of(folder):
    text = open(os.path.join(folder, "sweep.cfg")).read()
    m = re.search(r'design\s*[=:]\s*"(\w+)"', text)
    if not m:
        raise DesignError(f"{folder}/sweep.cfg names no design")
    return m.group(1)


def sweep(folder, out):
    kind = design_of(folder)
    header, rows = read_csv(os.path.join(folder, "design.csv"))
    params = header[1:]
    x = np.array([[float(v) for v in r[1:]] for r in rows])
    if [int(r[0]) for r in rows] != list(range(len(rows))):
        raise DesignError("design.csv: the points are not 0, 1, 2, ... in order")
    d = len(params)
    if kind == "sobol":
        check_saltelli_order(x)
    rheader, runs = read_csv(os.path.join(folder, "runs.csv"))
    col = {name: i for i, name in enumerate(rheader)}
    outcomes = rheader[col[params[-1]] + 1:col["error"]]
    reps = 1 + max(int(r[col["rep"]]) for r in runs)
    strategies = []
    for r in runs:
        if r[col["strategy"]] not in strategies:
            strategies.append(r[col["strategy"]])
    w = csv.writer(out, lineterminator="\n")
    if kind == "sobol":
        w.writerow(["strategy", "outcome", "param", "status", "first", "first_conf", "total", "total_conf",
                    "noise_first", "noise_total"])
    else:
        w.writerow(["strategy", "outcome", "param", "status", "mu_star", "mu_star_conf", "mu", "sigma",
                    "noise_mu_star"])
    for s in strategies:
        mine = [r for r in runs if r[col["strategy"]] == s]
        for o in outcomes:
            values = [[] for _ in rows]
            status = "ok"
            for r in mine:
                v = r[col[o]]
                if v == "":
                    status = "failed" if r[col["error"]] else ("undefined" if status == "ok" else status)
                else:
                    values[int(r[col["point"]])].append(float(v))
            result = None
            if status == "ok":
                if any(len(v) != reps for v in values):
                    raise DesignError(f"strategy {s}: a point lacks replications")
                y = np.array([np.mean(v) for v in values])
                if not y.std() > CONSTANT_REL * abs(y.mean()):
                    status = "constant"
                elif kind == "sobol":
                    result = sobol_indices(y, d)
                    if result is None:
                        status = "constant"
                else:
                    result = morris_indices(x, y)
            noise = None
            if result is not None and reps > 1:
                nv = np.mean([np.var(v, ddof=1) for v in values]) / reps
                noise = sobol_noise(y, d, nv) if kind == "sobol" else (2 * math.sqrt(nv / math.pi) / (2 / 3),)
            for i, p in enumerate(params):
                fields = [s, o, p, status]
                if result is not None:
                    fields += [f"{result[c][i]:.10g}" for c in range(4)]
                    fields += [f"{v:.10g}" for v in noise] if noise else [""] * (2 if kind == "sobol" else 1)
                else:
                    fields += [""] * (6 if kind == "sobol" else 5)
                w.writerow(fields)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    i = sub.add_parser("ishigami", help="Sobol indices of Ishigami + offset on a design.csv (x1, x2, x3, more ignored)")
    i.add_argument("design")
    i.add_argument("--offset", type=float, default=0.0)
    s = sub.add_parser("sweep", help="sensitivity.csv's figures from a finished sweep folder")
    s.add_argument("folder")
    a = ap.parse_args()
    try:
        if a.mode == "ishigami":
            header, rows = read_csv(a.design)
            x = np.array([[float(v) for v in r[1:]] for r in rows])
            check_saltelli_order(x)
            s1, s1c, st, stc = sobol_indices(ishigami(x) + a.offset, x.shape[1])
            print("param,first,first_conf,total,total_conf")
            for k, name in enumerate(header[1:]):
                print(f"{name},{s1[k]:.12g},{s1c[k]:.12g},{st[k]:.12g},{stc[k]:.12g}")
        else:
            sweep(a.folder, sys.stdout)
    except DesignError as e:
        print(f"salib_estimators.py: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
