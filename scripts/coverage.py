#!/usr/bin/env python3
"""How much of the reference API surface (../shared/reference/seed-torch.md, seed-nn.md) ctorch declares.

A name counts as present when some header under include/ctorch declares a function, member function,
class or alias of that name (a line that starts, after indentation, with a type or `auto`/`class`/`struct`/
`using` and then the name). It is a heuristic for planning: it does not prove the semantics match.

Run: python3 scripts/coverage.py [--missing]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "reference")
INC = os.path.join(ROOT, "include", "ctorch")


def declared_names():
    names = set()
    decl = re.compile(
        r"^\s*(?:template\s*<[^>]*>\s*)?(?:(?:static|inline|constexpr|friend|explicit|virtual|\[\[[^\]]*\]\])\s+)*"
        r"(?:(?:class|struct|using)\s+(\w+)|[\w:<>,\s\*&]+?[\s\*&](\w+)\s*\()")
    macro = re.compile(r"^CTORCH_(\w+)\((\w+)[,)]")
    for d, _, files in os.walk(INC):
        for f in files:
            if not f.endswith(".hpp"):
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
    return names


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
    rows = reference_names()
    by_section = {}
    missing = []
    for section, name in rows:
        ok = short(name) in have
        t = by_section.setdefault(section, [0, 0])
        t[0] += ok
        t[1] += 1
        if not ok:
            missing.append(name)
    total_ok = sum(v[0] for v in by_section.values())
    total = sum(v[1] for v in by_section.values())
    for section, (ok, n) in by_section.items():
        print(f"{ok:4d} / {n:4d}  {section}")
    print(f"{total_ok:4d} / {total:4d}  all ({100.0 * total_ok / max(total, 1):.0f}%)")
    if "--missing" in sys.argv:
        print("\nmissing:", ", ".join(missing))


if __name__ == "__main__":
    main()
