#!/usr/bin/python3
"""Read turnaround's CSV files as analysts do, with pandas' read_csv and R's
read.csv at their defaults, and check that each tool sees what the file says:
the same columns and rows, one type per column (numbers where every cell is a
number or empty, text otherwise), and every number exactly the value its text
denotes (a whole number exactly, a decimal the nearest double).

usage: read_tables.py FILE.csv...

A whole number must also fit a spreadsheet: 15 significant digits at most,
what Excel and LibreOffice Calc keep of a number (so the seeds, below 2^49).
R's decimal parser is not correctly rounded, so a decimal may come back one
double away from the nearest; that much is allowed, and nothing more.
Prints one line per file and "ok" at the end, or the differences and exits 1.
"""
import csv
import math
import subprocess
import sys
from fractions import Fraction

import pandas

R_DUMP = r"""
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1], stringsAsFactors = FALSE)
for (name in names(x)) {
  v <- x[[name]]
  cat("column", name, class(v), "\n", sep = "\t")
  if (is.numeric(v)) out <- ifelse(is.na(v), "NA", sprintf("%.17g", v)) else out <- ifelse(is.na(v), "NA", v)
  cat(paste0(out, "\n"), sep = "")
}
"""


def number(text):
    """The exact value a number's text denotes, or None when it is not one."""
    try:
        if text.lstrip("-").isdigit():
            return Fraction(int(text))
        value = float(text)
        return None if math.isnan(value) or math.isinf(value) else Fraction(text)
    except ValueError:
        return None


def nearest(value):
    """What a double holding value holds."""
    return Fraction(float(value))


def check_file(path, problems):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    frame = pandas.read_csv(path)
    if list(frame.columns) != header:
        problems.append(f"{path}: pandas reads columns {list(frame.columns)}, the file has {header}")
        return
    if len(frame) != len(body):
        problems.append(f"{path}: pandas reads {len(frame)} rows, the file has {len(body)}")
        return
    r = subprocess.run(["Rscript", "-e", R_DUMP, path], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f"{path}: R cannot read it: {r.stderr.strip()}")
        return
    r_columns = {}
    for block in r.stdout.split("column\t")[1:]:
        lines = block.split("\n")
        name, kind = lines[0].split("\t")[:2]
        r_columns[name] = (kind, lines[1:1 + len(body)])
    for j, name in enumerate(header):
        texts = [row[j] for row in body]
        filled = [t for t in texts if t != ""]
        numeric = bool(filled) and all(number(t) is not None for t in filled)
        series = frame[name]
        if not filled:   # every field empty: both tools see only missing values
            if not series.isna().all():
                problems.append(f"{path}: column {name}: empty, but pandas reads values in it")
            continue
        is_num = pandas.api.types.is_numeric_dtype(series)
        if numeric != is_num:
            problems.append(f"{path}: column {name}: pandas reads it as {series.dtype}, the file holds "
                            f"{'numbers' if numeric else 'text'}")
            continue
        kind, values = r_columns.get(name, ("missing", []))
        if kind == "missing":
            problems.append(f"{path}: R has no column {name}")
            continue
        if numeric != (kind in ("numeric", "integer")) and filled:
            problems.append(f"{path}: column {name}: R reads it as {kind}")
            continue
        for i, text in enumerate(texts):
            got = series.iloc[i]
            if not numeric:
                want = text
                seen = "" if (isinstance(got, float) and math.isnan(got)) else str(got)
                if seen != want or values[i] not in (want, "NA" if want == "" else want):
                    problems.append(f"{path}: row {i + 2} column {name}: '{text}' read as '{seen}' (pandas), "
                                    f"'{values[i]}' (R)")
                    break
                continue
            if text == "":
                if not pandas.isna(got) or values[i] != "NA":
                    problems.append(f"{path}: row {i + 2} column {name}: an empty field read as {got} / {values[i]}")
                    break
                continue
            exact = number(text)
            if exact.denominator == 1 and len(text.lstrip("-").lstrip("0")) > 15:
                problems.append(f"{path}: row {i + 2} column {name}: {text} has more than the 15 significant "
                                f"digits a spreadsheet keeps")
                break
            seen = Fraction(int(got)) if str(series.dtype).startswith(("int", "uint")) else Fraction(float(got))
            if exact.denominator == 1 and seen != exact:
                problems.append(f"{path}: row {i + 2} column {name}: {text} read by pandas as {got}")
                break
            if exact.denominator != 1 and seen != nearest(exact):
                problems.append(f"{path}: row {i + 2} column {name}: {text} read by pandas as {got!r}")
                break
            r_seen = Fraction(float(values[i]))
            r_want = exact if exact.denominator == 1 else nearest(exact)
            # R's own decimal parser (R_strtod) is not correctly rounded: it
            # may land on a neighbouring double. Allow that one step for
            # decimals; whole numbers must be exact.
            slack = 0 if exact.denominator == 1 else Fraction(math.ulp(float(r_want)))
            if abs(r_seen - r_want) > slack:
                problems.append(f"{path}: row {i + 2} column {name}: {text} read by R as {values[i]}")
                break
    print(f"{path}: {len(body)} rows, {len(header)} columns")


def main(argv):
    problems = []
    for path in argv[1:]:
        check_file(path, problems)
    for p in problems:
        print(p)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
