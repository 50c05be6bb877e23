#!/usr/bin/python3
"""An independent reader of the reports of `turnaround report`, for tests/test_report.c.

It parses a report the way the tools an analyst uses would (Python's html.parser
for HTML, GitHub-flavoured table rules for Markdown) and checks it against the
results files as Python's csv module reads them:

  report_check.py html REPORT.html RESULTS [options]
  report_check.py md REPORT.md RESULTS [options]

  --expect CSV        the comparison.csv to check the outcome tables against
                      (default RESULTS/comparison.csv)
  --charts A,B,...    the charts the report must embed, in order
  --param KEY=VALUE   a row the table of differing parameters must have (repeatable)

Checks: the HTML is well formed (every element closed in order, void elements
aside), has no script and no event attribute, no id twice; every Markdown
table has as many cells in each row as in its header; each outcome table has a
row for every arm, with n, the mean and its interval (and the paired
difference) equal to the CSV's within the rounding shown; the table of the
last month agrees with means.csv; the charts are there. Prints "ok", or each
failure and exits 1.
"""
import csv
import html.parser
import math
import os
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
failures = []


def fail(msg):
    failures.append(msg)


class HtmlReport(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.svgs, self.scripts = [], {}, [], 0
        self.tables, self.heading, self.in_cell, self.row, self.cell = [], None, False, None, ""
        self.in_heading, self.heading_text, self.headings = False, "", []

    def attrs(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids[v] = self.ids.get(v, 0) + 1
            if k.startswith("on"):
                fail("event attribute %s on <%s>" % (k, tag))
        if tag == "script":
            self.scripts += 1

    def handle_starttag(self, tag, attrs):
        self.attrs(tag, attrs)
        if tag in VOID:
            return
        self.stack.append((tag, self.getpos()))
        if tag == "svg" and not any(t == "svg" for t, _ in self.stack[:-1]):
            self.svgs.append(self.heading)
        if tag in ("h2", "h3"):
            self.heading = dict(attrs).get("id")
            self.in_heading, self.heading_text = True, ""
        if tag == "table":
            self.tables.append((self.heading, []))
        if tag == "tr":
            self.row = []
        if tag in ("td", "th"):
            self.in_cell, self.cell = True, ""

    def handle_startendtag(self, tag, attrs):
        self.attrs(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            fail("</%s> at line %d closes <%s> of line %d" % (tag, self.getpos()[0], self.stack[-1][0] if self.stack
                                                             else "nothing", self.stack[-1][1][0] if self.stack else 0))
            return
        self.stack.pop()
        if tag in ("td", "th"):
            self.in_cell = False
            self.row.append(self.cell.strip())
        if tag == "tr" and self.tables:
            self.tables[-1][1].append(self.row)
        if tag in ("h2", "h3"):
            self.in_heading = False
            self.headings.append((self.heading, self.heading_text))

    def handle_data(self, data):
        if self.in_cell:
            self.cell += data
        if self.in_heading:
            self.heading_text += data


def md_cells(line):
    cells, cur, k = [], "", 1
    while k < len(line):
        c = line[k]
        if c == "\\" and k + 1 < len(line):
            cur += line[k + 1]
            k += 2
            continue
        if c == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += c
        k += 1
    if cur.strip():
        fail("table row does not end with '|': %r" % line)
    return cells


def md_tables(text):
    tables, heading, lines, k = [], None, text.split("\n"), 0
    fence = None
    while k < len(lines):
        line = lines[k]
        if re.match(r"^(```+|~~~+)", line):
            mark = re.match(r"^(```+|~~~+)", line).group(1)
            fence = None if fence and mark.startswith(fence) and line.strip() == mark else (fence or mark)
        if fence is None and line.startswith("#"):
            m = re.match(r"^#+ `?([^`]*)`?$", line)
            heading = m.group(1) if m else line
        if fence is None and line.startswith("|"):
            block = []
            while k < len(lines) and lines[k].startswith("|"):
                block.append(lines[k])
                k += 1
            head = md_cells(block[0])
            if len(block) < 2 or not all(re.match(r"^:?-+:?$", c) for c in md_cells(block[1])):
                fail("table under %r has no separator row" % heading)
            for row in block[1:]:
                if len(md_cells(row)) != len(head):
                    fail("table under %r: %d cells in %r, %d in its header" % (heading, len(md_cells(row)), row,
                                                                                 len(head)))
            tables.append((heading, [head] + [md_cells(r) for r in block[2:]]))
            continue
        k += 1
    return tables


def shown(cell):
    """'38 [14, 62]' -> (38, 14, 62, half a unit of the last decimal shown); '-' -> None."""
    if cell == "-":
        return None
    m = re.match(r"^([+-]?[0-9.]+)(?: \[([+-]?[0-9.]+), ([+-]?[0-9.]+)\])?$", cell)
    if not m:
        fail("not a number with its interval: %r" % cell)
        return None
    dec = max(len(x.split(".")[1]) if x and "." in x else 0 for x in m.groups())
    vals = [float(x) if x is not None else None for x in m.groups()]
    return vals + [0.5 * 10 ** -dec + 1e-9]


def agree(cell, mean, lo, hi, what):
    got = shown(cell)
    if mean == "":
        if got is not None:
            fail("%s: shown %r, but the CSV has no value" % (what, cell))
        return
    if got is None:
        fail("%s: shown %r, the CSV has %s" % (what, cell, mean))
        return
    tol = got[3]
    if abs(got[0] - float(mean)) > tol:
        fail("%s: mean shown %r, the CSV has %s" % (what, cell, mean))
    if (lo == "") != (got[1] is None):
        fail("%s: shown %r, the CSV's interval is [%s, %s]" % (what, cell, lo, hi))
    elif lo != "" and (abs(got[1] - float(lo)) > tol or abs(got[2] - float(hi)) > tol):
        fail("%s: interval shown %r, the CSV has [%s, %s]" % (what, cell, lo, hi))
    elif lo != "" and float(hi) > float(lo):
        # Rounded sensibly: the half-width to two significant digits (at most six decimals, at least none).
        units = (float(hi) - float(lo)) / 2 / (2 * tol)
        dec = round(-math.log10(2 * tol))
        if not ((9.5 <= units < 100) or (dec == 6 and units < 100) or (dec == 0 and units >= 9.5)):
            fail("%s: %r shows the half-width %g to %d decimals, not two significant digits" %
                 (what, cell, (float(hi) - float(lo)) / 2, dec))


def main(argv):
    kind, report, results = argv[1], argv[2], argv[3]
    expect, charts, params = os.path.join(results, "comparison.csv"), None, []
    k = 4
    while k < len(argv):
        if argv[k] == "--expect":
            expect = argv[k + 1]
        elif argv[k] == "--charts":
            charts = argv[k + 1].split(",")
        elif argv[k] == "--param":
            params.append(argv[k + 1].split("=", 1))
        k += 2
    text = open(report, encoding="utf-8").read()
    if kind == "html":
        p = HtmlReport()
        p.feed(text)
        p.close()
        if p.stack:
            fail("elements never closed: %s" % [t for t, _ in p.stack])
        if p.scripts:
            fail("%d script elements" % p.scripts)
        for i, n in p.ids.items():
            if n > 1:
                fail("id %r given %d times" % (i, n))
        tables = [(h.replace("outcome-", "", 1) if h else h, rows) for h, rows in p.tables]
        if charts is not None:
            want = ["chart-" + c for c in charts]
            if p.svgs != want:
                fail("charts embedded under %s, expected %s" % (p.svgs, want))
    else:
        tables = md_tables(text)
        if charts is not None:
            linked = re.findall(r"^!\[[^\]]*\]\(([^)]*)\.svg\)$", text, re.M)
            if linked != charts:
                fail("charts linked %s, expected %s" % (linked, charts))
            for c in linked:
                path = os.path.join(os.path.dirname(report), c + ".svg")
                svg = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
                if "<svg" not in svg or not svg.rstrip().endswith("</svg>"):
                    fail("%s is not a whole SVG" % path)

    by_heading = {}
    for h, rows in tables:
        by_heading.setdefault(h, rows)
    rows = list(csv.DictReader(open(expect, newline="")))
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    for name in outcomes:
        t = by_heading.get(name)
        if t is None:
            fail("no table for the outcome %s" % name)
            continue
        head, body = t[0], t[1:]
        arms = [r[0] for r in body]
        for r in rows:
            if r["outcome"] != name:
                continue
            if r["strategy"] not in arms:
                if os.path.join(results, "comparison.csv") == expect:
                    fail("%s: no row for the arm %s" % (name, r["strategy"]))
                continue
            cells = body[arms.index(r["strategy"])]
            what = "%s, %s" % (name, r["strategy"])
            if cells[1] != r["n"]:
                fail("%s: n shown %s, the CSV has %s" % (what, cells[1], r["n"]))
            agree(cells[2], r["mean"], r["lo"], r["hi"], what)
            if len(head) == 5:
                if cells[3] != r["pairs"]:
                    fail("%s: pairs shown %s, the CSV has %s" % (what, cells[3], r["pairs"]))
                if r["strategy"] != "none" and int(r["pairs"]) > 0:
                    agree(cells[4].lstrip("+"), r["diff_vs_none"], r["diff_lo"], r["diff_hi"], what + " vs none")
                elif cells[4] != "-":
                    fail("%s: a difference %r where there is none" % (what, cells[4]))

    means = list(csv.DictReader(open(os.path.join(results, "means.csv"), newline="")))
    last = max(int(r["month"]) for r in means if r["org"] == "sector")
    key = "last-month-sector" if kind == "html" else "The sector (mean over organisations) at month %d" % last
    t = by_heading.get(key)
    if t is None:
        fail("no table of the sector's last month (%r)" % key)
    else:
        for r in means:
            if r["org"] == "sector" and int(r["month"]) == last:
                found = [c for c in t[1:] if c[0] == r["strategy"]]
                if not found:
                    fail("last month: no row for %s" % r["strategy"])
                else:
                    agree(found[0][1], r["quality"], r["quality_lo"], r["quality_hi"], "last month quality, " +
                          r["strategy"])

    ptable = by_heading.get("parameters" if kind == "html" else "Parameters that differ from the defaults")
    for key, value in params:
        if not ptable or not any(row[0] == key and row[1] == value for row in ptable[1:]):
            fail("no row %s = %s among the differing parameters" % (key, value))

    if failures:
        for f in failures:
            print(f)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
