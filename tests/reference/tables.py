"""The March docking tables of docs/VALIDATION.md, from the docking test's output.

    make check-patterns | /usr/bin/python3 tests/reference/tables.py

tests/test_march_full.c prints one Markdown row a cell (experiment, rules, p1, p2, p3, p4,
slow share, period, project (se), reference (se), difference, z); this arranges them into
the page's tables and adds a summary of the differences.
"""

import sys


def cells(lines):
    out = []
    for line in lines:
        f = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(f) != 12 or f[0] in ("experiment", "---") or f[0].startswith("-"):
            continue
        out.append({"experiment": f[0], "rules": f[1], "p1": float(f[2]), "p2": float(f[3]), "p3": float(f[4]),
                    "p4": float(f[5]), "share": float(f[6]), "period": int(f[7]), "project": f[8],
                    "reference": f[9], "diff": float(f[10]), "z": float(f[11])})
    return out


def value(c):
    return f"{c['project']} | {c['reference']}"


def find(cs, **kw):
    for c in cs:
        if all(c[k] == v for k, v in kw.items()):
            return c
    raise KeyError(kw)


def grid_table(cs, p3, p4, rules="christensen", experiment="grid"):
    rows = ["| p1 | " + " | ".join(f"p2 = {p2}: project | reference" for p2 in (0.1, 0.5, 0.9)) + " |",
            "|---|" + "---|---|" * 3]
    for p1 in sorted({c["p1"] for c in cs if c["experiment"] == experiment}):
        row = [f"{p1:g}"]
        for p2 in (0.1, 0.5, 0.9):
            row.append(value(find(cs, experiment=experiment, rules=rules, p1=p1, p2=p2, p3=p3, p4=p4)))
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


def main():
    cs = cells(sys.stdin)
    if not cs:
        sys.exit("tables.py: no docking rows on standard input (pipe make check-patterns into it)")
    z2 = sum(c["z"] ** 2 for c in cs) / len(cs)
    worst = max(cs, key=lambda c: abs(c["diff"]))
    print(f"Over all {len(cs)} cells: the largest difference is {worst['diff']:+.3f} "
          f"({worst['experiment']}, {worst['rules']}, p1 = {worst['p1']:g}, p2 = {worst['p2']:g}, "
          f"p3 = {worst['p3']:g}, p4 = {worst['p4']:g}); |z| exceeds 2 in {sum(abs(c['z']) > 2 for c in cs)} "
          f"cells (about {0.0455 * len(cs):.0f} expected by chance) and 3 in {sum(abs(c['z']) > 3 for c in cs)}; "
          f"the mean of z squared is {z2:.2f} (1 when the two differ by noise alone). "
          "Each entry is a mean with its standard error in brackets.\n")
    print("**Table 1.** March's rules (*christensen*), no turnover or turbulence: the project against "
          "the reference.\n")
    print(grid_table(cs, 0.0, 0.0))
    for label, p3, p4, what in (("2a", 0.1, 0.0, "turnover p3 = 0.1"), ("2b", 0.0, 0.02, "turbulence p4 = 0.02"),
                                ("2c", 0.1, 0.02, "turnover p3 = 0.1 and turbulence p4 = 0.02")):
        print(f"\n**Table {label}.** March's rules, {what}.\n")
        print(grid_table(cs, p3, p4))
    for label, rules, what in (("3a", "paper", "The text's reading (*paper*: correct, adopt, adopt)"),
                               ("3b", "basic", "The BASIC program as Watts transcribes it (*basic*: score, step, step)")):
        print(f"\n**Table {label}.** {what}, no turnover or turbulence.\n")
        print(grid_table(cs, 0.0, 0.0, rules=rules, experiment="variants"))
    print("\n**Table 4.** Slow (p1 = 0.1) and fast (p1 = 0.9) socialisers mixed, against a uniform "
          "population at the same mean rate (p2 = 0.5).\n")
    print("| slow share | mean p1 | mixed: project | reference | uniform: project | reference |\n|---|---|---|---|---|---|")
    for c in sorted((c for c in cs if c["experiment"] == "mix" and c["share"] > 0), key=lambda c: c["share"]):
        mean = round(0.9 - 0.8 * c["share"], 10)
        u = find(cs, experiment="mix", share=0.0, p1=mean)
        print(f"| {c['share']:g} | {mean:g} | {value(c)} | {value(u)} |")
    print("\n**Table 5.** Turnover p3 (p2 = 0.5, period 100).\n")
    print("| p3 | " + " | ".join(f"p1 = {p1}: project | reference" for p1 in (0.1, 0.5, 0.9)) + " |\n|---|"
          + "---|---|" * 3)
    for p3 in sorted({c["p3"] for c in cs if c["experiment"] == "turnover"}):
        print(f"| {p3:g} | " + " | ".join(value(find(cs, experiment="turnover", p1=p1, p3=p3)) for p1 in (0.1, 0.5, 0.9))
              + " |")
    print("\n**Table 6.** Turbulence p4 = 0.02 over time, with and without turnover (p1 = p2 = 0.5).\n")
    print("| period | " + " | ".join(f"p3 = {p3}: project | reference" for p3 in (0, 0.02, 0.1)) + " |\n|---|"
          + "---|---|" * 3)
    for t in sorted({c["period"] for c in cs if c["experiment"] == "turbulence"}):
        print(f"| {t} | " + " | ".join(value(find(cs, experiment="turbulence", p3=p3, period=t)) for p3 in (0, 0.02, 0.1))
              + " |")


if __name__ == "__main__":
    main()
