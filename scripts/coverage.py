#!/usr/bin/env python3
"""How much of the reference API surface (../shared/reference/seed-torch.md, seed-nn.md) ctorch declares.

A name counts as present when some header under include/ctorch declares a function, member function,
class or alias of that name (a line that starts, after indentation, with a type or `auto`/`class`/`struct`/
`using` and then the name; the method lists of core/methods.hpp count too). It is a heuristic for
planning: it does not prove the semantics match. Otherwise a name is mapped (a legacy name provided under
its modern one) or explained (does not apply to ctorch) when docs/api-coverage.md says so, else missing.
Names the page explains count as explained even when some header happens to declare the name.

Run: python3 scripts/coverage.py [--missing] [--mapped] [--explained]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "reference")
INC = os.path.join(ROOT, "include", "ctorch")
DOC = os.path.join(ROOT, "docs", "api-coverage.md")
# Internal kernels named after LAPACK routines (potrf, geqrf, ...) are not the torch functions of those names.
SKIP = {os.path.join(INC, "ops", "linalg", "lapack_kernels.hpp")}


def declared_names():
    names = set()
    decl = re.compile(
        r"^\s*(?:template\s*<[^>]*>\s*)?(?:(?:static|inline|constexpr|friend|explicit|virtual|\[\[[^\]]*\]\])\s+)*"
        r"(?:(?:class|struct|using)\s+(\w+)|[\w:<>,\s\*&]+?[\s\*&](\w+)\s*\()")
    macro = re.compile(r"^CTORCH_(\w+)\((\w+)[,)]")
    for d, _, files in os.walk(INC):
        for f in files:
            if not f.endswith(".hpp") or os.path.join(d, f) in SKIP:
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                for line in fh:
                    line = re.sub(r"^\s*requires\s*\(.*?\)\s+(?=auto|void|bool)", "", line)
                    m = decl.match(line)
                    if m:
                        names.add(m.group(1) or m.group(2))
                    # CTORCH_NN_ELEMENTWISE(ReLU, ...) defines ReLU; CTORCH_INPLACE_*(abs) defines abs_.
                    m = macro.match(line)
                    if m:
                        names.add(m.group(2) + ("_" if "INPLACE" in m.group(1) else ""))
                    # The method lists of core/methods.hpp: X(abs) X(acos) ... declare methods of those names.
                    if f == "methods.hpp":
                        names.update(re.findall(r"\bX\((\w+)\)", line))
    return names


def documented():
    """{short name: (category, row)} from docs/api-coverage.md: 'mapped' or 'explained'."""
    out = {}
    category = None
    with open(DOC, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## "):
                title = line[3:].lower()
                category = "mapped" if "legacy" in title else "explained" if "do not apply" in title else None
                continue
            if category and line.startswith("|") and not line.startswith("|---"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                for name in re.findall(r"`((?:torch|Tensor)\.\w+)`", cells[0]):
                    out[name] = (category, cells[1] if len(cells) > 1 else "")
    return out


def reference_names():
    """(section, qualified name) for every table row and the Tensor method list."""
    out = []
    for fname in ("seed-torch.md", "seed-nn.md"):
        section = ""
        in_methods = False
        with open(os.path.join(REF, fname), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("## "):
                    section = line[3:].strip()
                    in_methods = False
                if line.startswith("### 2.2 Full method list"):
                    in_methods = True
                    continue
                if in_methods:
                    if not line.strip():
                        if any(s == "torch.Tensor" for s, _ in out[-1:]):
                            in_methods = False
                        continue
                    if line.startswith("(") or line.startswith("-") or line.startswith("#"):
                        in_methods = False
                        continue
                    line = re.sub(r"`[^`]*`", "", line)
                    while re.search(r"\([^()]*\)", line):
                        line = re.sub(r"\([^()]*\)", "", line)
                    for tok in re.findall(r"\b([a-z][a-z0-9_]*)\b", line):
                        out.append(("torch.Tensor", "Tensor." + tok))
                    continue
                m = re.match(r"^\|\s*((?:torch|nn|F|optim|init)[\w.]*)\s*\|", line)
                if m and m.group(1) not in ("name",):
                    out.append((section, m.group(1)))
    seen, uniq = set(), []
    for s, n in out:
        if n not in seen:
            seen.add(n)
            uniq.append((s, n))
    return uniq


def short(name):
    base = name.split(".")[-1]
    # torch.nn.Conv2d -> Conv2d; Tensor.add_ -> add_; torch.optim.SGD -> SGD
    return base


def main():
    have = declared_names()
    doc = documented()
    rows = reference_names()
    known = {n for _, n in rows}
    for name in doc:
        if name not in known:
            print(f"warning: docs/api-coverage.md names {name}, which is not in the reference", file=sys.stderr)
    kinds = ("present", "mapped", "explained", "missing")
    by_section = {}
    listed = {k: [] for k in kinds}
    for section, name in rows:
        # torch.f and Tensor.f are the same function: the page may list either spelling.
        alt = name.replace("torch.", "Tensor.", 1) if name.startswith("torch.") else name.replace("Tensor.", "torch.", 1)
        entry = doc.get(name) or doc.get(alt)
        if entry and entry[0] == "explained":
            kind = "explained"
        elif short(name) in have:
            kind = "present"
        elif entry:
            kind = entry[0]
        else:
            kind = "missing"
        t = by_section.setdefault(section, dict.fromkeys(kinds, 0))
        t[kind] += 1
        listed[kind].append(name)
    print(f"{'present':>8} {'mapped':>7} {'explained':>10} {'missing':>8} {'total':>6}  section")
    totals = dict.fromkeys(kinds, 0)
    for section, t in by_section.items():
        n = sum(t.values())
        print(f"{t['present']:8d} {t['mapped']:7d} {t['explained']:10d} {t['missing']:8d} {n:6d}  {section}")
        for k in kinds:
            totals[k] += t[k]
    total = sum(totals.values())
    done = totals["present"] + totals["mapped"] + totals["explained"]
    print(f"{totals['present']:8d} {totals['mapped']:7d} {totals['explained']:10d} {totals['missing']:8d} {total:6d}  "
          f"all ({100.0 * totals['present'] / max(total, 1):.0f}% present, "
          f"{100.0 * done / max(total, 1):.0f}% present, mapped or explained)")
    for k in ("mapped", "explained", "missing"):
        if "--" + k in sys.argv:
            print(f"\n{k}:", ", ".join(listed[k]))


if __name__ == "__main__":
    main()
