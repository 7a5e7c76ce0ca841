"""Golden values for ctorch's elementwise ops (tests/ops/pointwise, tests/ops/comparison).

Every op runs on fixed float32 and float64 inputs with edge values (0, -0, subnormals, +-1 and values
just past it, large magnitudes, +-inf, nan), on paired binary inputs, on a broadcast case, and on a
few int32/int64 inputs that pin PyTorch's dtype rules.
"""
import math

import torch

import common
from common import Writer


def fmt_short(v, dtype):
    """float32 values with 9 significant digits (enough to round-trip a float32; the tests round the
    parsed value back to float32), to keep the fixture small."""
    if dtype == torch.float32 and math.isfinite(float(v)):
        return "%.9g" % float(v)
    return FMT(v, dtype)


FMT = common.fmt
common.fmt = fmt_short

inf, nan = math.inf, math.nan
# 50 values: packets of 16 (float) or 8 (double) lanes plus a scalar tail of 2.
X = [0.0, -0.0, 1e-30, 1e-310, 1e-7, -1e-7, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 0.9999, -0.9999,
     1.0, -1.0, 1.0000001, -1.0000001, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 3.14159, -3.14159, 7.3, -7.3,
     10.0, -10.0, 20.5, -20.5, 88.5, -88.5, 100.0, -100.0, 710.0, -745.0, 1e4, -1e4, 1e10, -1e10,
     3e38, -3e38, inf, -inf, nan, 1e-40]
# Second operands, paired with X: zeros of both signs, infinities, nan, tiny and huge divisors.
Y = [1.0, -1.0, 0.0, -0.0, 2.0, -2.0, 0.3, -0.3, inf, -inf, nan, 1e-30, 3.0, -3.0, 0.7, 1e10,
     1e-7, -1e-7, 2.5, -2.5, 0.5, -0.5, 1.5, -1.5, 7.0, 3.0, -3.0, 1e30, 0.1, -0.1, 3.0, -3.0,
     0.3, 2.0, 1.0, 1.0, -7.0, 7.0, 3.3, 1.1, 1e-3, -1e-3, 3.7, -3.7, 1e38, -1e-38, 2.0, -2.0, 2.0, 0.0]
# Third operands (addcmul, addcdiv, lerp weights, clamp bounds): moderate values.
Z = [0.5 * math.sin(i) + (2.0 if i % 3 else -1.25) for i in range(50)]
INTS = [-7, -3, -2, -1, 0, 1, 2, 3, 5, 7, 100, -100, 46340, -46341]

UNARY = {
    "abs": torch.abs, "acos": torch.acos, "asin": torch.asin, "atan": torch.atan, "ceil": torch.ceil,
    "cos": torch.cos, "cosh": torch.cosh, "erf": torch.erf, "exp": torch.exp, "expm1": torch.expm1,
    "floor": torch.floor, "frac": torch.frac, "log": torch.log, "log1p": torch.log1p, "log2": torch.log2,
    "log10": torch.log10, "neg": torch.neg, "reciprocal": torch.reciprocal, "round": torch.round,
    "rsqrt": torch.rsqrt, "sign": torch.sign, "sin": torch.sin, "sinh": torch.sinh, "sqrt": torch.sqrt,
    "tan": torch.tan, "trunc": torch.trunc, "square": torch.square,
    "isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite, "logical_not": torch.logical_not,
    "clamp": lambda x: torch.clamp(x, -2.0, 3.5), "clamp_min": lambda x: torch.clamp(x, min=-0.5),
    "clamp_max": lambda x: torch.clamp(x, max=0.5),
    "pow_2": lambda x: torch.pow(x, 2), "pow_3": lambda x: torch.pow(x, 3), "pow_0.5": lambda x: torch.pow(x, 0.5),
    "pow_-0.5": lambda x: torch.pow(x, -0.5), "pow_-1": lambda x: torch.pow(x, -1), "pow_-2": lambda x: torch.pow(x, -2),
    "pow_0": lambda x: torch.pow(x, 0), "pow_1": lambda x: torch.pow(x, 1), "pow_2.7": lambda x: torch.pow(x, 2.7),
    "pow_-1.3": lambda x: torch.pow(x, -1.3), "pow_4": lambda x: torch.pow(x, 4.0),
    "rpow_2.5": lambda x: torch.pow(2.5, x), "rpow_-2": lambda x: torch.pow(-2.0, x),
    "eq_s": lambda x: torch.eq(x, 2.5), "lt_s": lambda x: torch.lt(x, 0.5), "ge_s": lambda x: torch.ge(x, -1),
    "where_s": lambda x: torch.where(x > 0, x, torch.tensor(-1.5, dtype=x.dtype)),
}
BINARY = {
    "atan2": torch.atan2, "fmod": torch.fmod, "remainder": torch.remainder, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum, "eq": torch.eq, "ne": torch.ne, "lt": torch.lt,
    "le": torch.le, "gt": torch.gt, "ge": torch.ge, "logical_and": torch.logical_and,
    "logical_or": torch.logical_or, "logical_xor": torch.logical_xor,
    "where": lambda a, b: torch.where(a > b, a, b),
}


def scalar_path_at_edges(what, f, *args):
    """f(*args), except where PyTorch's vectorised kernel (Sleef) and its scalar kernel (one element at
    a time, C's libm) disagree about finiteness: there the scalar value is taken, and reported. Seen with
    torch 1.13: cosh(710) and sinh(710) are inf in float64 (true value 1.117e308 < DBL_MAX)."""
    vec = f(*args)
    if vec.dtype == torch.bool:
        return vec
    one = torch.cat([f(*(a[i:i + 1] for a in args)) for i in range(len(args[0]))])
    bad = (vec.isfinite() != one.isfinite()) | (vec.isnan() != one.isnan())
    for i in bad.nonzero().flatten().tolist():
        print("  %s[%d]: PyTorch's vectorised kernel gives %r, its scalar kernel %r; using the latter"
              % (what, i, vec[i].item(), one[i].item()))
    out = torch.where(bad, one, vec)
    if out.dtype == torch.float32 and all(a.dtype == torch.float32 for a in args):
        # Where float32 overflows although the float64 result rounds to a finite float32 (torch 1.13's
        # float32 log1p is inf above ~1.7e38), the float64 result rounded is the reference.
        wide = f(*(a.double() for a in args)).float()
        bad = ~out.isfinite() & wide.isfinite()
        for i in bad.nonzero().flatten().tolist():
            print("  %s[%d]: PyTorch's float32 result is %r, its float64 result rounds to %r; using the latter"
                  % (what, i, out[i].item(), wide[i].item()))
        out = torch.where(bad, wide, out)
    return out


BROADCAST = ["atan2", "fmod", "pow", "maximum", "lt", "where"]


def main():
    w = Writer("pointwise.txt", __doc__)
    for dt, name in [(torch.float32, "float32"), (torch.float64, "float64")]:
        x, y, z = (torch.tensor(v, dtype=torch.float64).to(dt) for v in (X, Y, Z))
        w.add("x_" + name, x)
        w.add("y_" + name, y)
        w.add("z_" + name, z)
        for op, f in UNARY.items():
            w.add(op + "_" + name, scalar_path_at_edges(op + "_" + name, f, x))
        # PyTorch's float32 erfinv refines in float32 through erf and loses up to ~7e-6 near +-1; its
        # float64 result rounded to float32 is the reference ctorch is held to.
        w.add("erfinv_" + name, torch.erfinv(x.double()).to(dt))
        for op, f in BINARY.items():
            if op in ("fmod", "remainder"):
                # One element at a time: PyTorch's vectorised float32 fmod (Sleef) returns nan for
                # fmod(-3e38, -1e-38), where C's exact fmod (PyTorch's scalar path) gives -4.46e-39.
                w.add(op + "_" + name, torch.cat([f(x[i:i + 1], y[i:i + 1]) for i in range(len(X))]))
            else:
                w.add(op + "_" + name, scalar_path_at_edges(op + "_" + name, f, x, y))
            if op in BROADCAST:
                w.add(op + "_bc_" + name, f(x.reshape(5, 10), y[:10]))
        w.add("clamp_t_" + name, torch.clamp(x, z - 3, z))  # tensor bounds
        w.add("lerp_s_" + name, torch.lerp(x[:30], y[:30], 0.3))  # finite-ish part: no inf - inf noise
        w.add("lerp_s2_" + name, torch.lerp(x[:30], y[:30], 0.8))
        w.add("lerp_t_" + name, torch.lerp(z, y, z - 1.5))
        w.add("addcmul_" + name, torch.addcmul(x, y, z, value=0.5))
        w.add("addcdiv_" + name, torch.addcdiv(x, y, z, value=-1.5))
    for dt, name in [(torch.int32, "int32"), (torch.int64, "int64")]:
        i = torch.tensor(INTS, dtype=dt)
        w.add("i_" + name, i)
        for op, f in {
            "abs": torch.abs, "neg": torch.neg, "sign": torch.sign, "square": torch.square, "ceil": torch.ceil,
            "round": torch.round, "sqrt": torch.sqrt, "exp": torch.exp, "reciprocal": torch.reciprocal,
            "fmod": lambda v: torch.fmod(v, 3), "remainder": lambda v: torch.remainder(v, -3),
            "fmod_f": lambda v: torch.fmod(v, 2.5), "pow_2": lambda v: torch.pow(v, 2),
            "pow_3": lambda v: torch.pow(v, 3), "pow_f": lambda v: torch.pow(v, 0.5), "rpow": lambda v: torch.pow(2, v),
            "pow_t": lambda v: torch.pow(v, torch.tensor([2, -1, -2, -3, 0, -1, 3, 2, 2, 1, 2, 1, 2, 2], dtype=dt)),
            "clamp": lambda v: torch.clamp(v, -2, 5), "clamp_f": lambda v: torch.clamp(v, 0.5, 2.5),
            "maximum": lambda v: torch.maximum(v, torch.tensor(1.5)), "eq_f": lambda v: torch.eq(v, 2.5),
            "lt": lambda v: torch.lt(v, 2), "isnan": torch.isnan, "isfinite": torch.isfinite,
            "where_f": lambda v: torch.where(v > 0, v, 0.5), "logical_not": torch.logical_not,
        }.items():
            w.add(op + "_" + name, f(i))
    w.save()


if __name__ == "__main__":
    main()
