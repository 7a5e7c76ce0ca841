"""Golden values for ctorch/ops/creation: zeros, ones, full, empty (zero-filled in ctorch), eye, arange,
linspace and logspace on float32, float64 and int64 (int32 for a few), including 0 and 1 steps, negative
steps, empty results and lengths that take PyTorch's vectorised loop and its scalar tail.

Entry names: <op>.<dtype>.<case number>; the C++ test (tests/ops/creation/test_golden.cpp) lists the same
cases in the same order.
"""
import torch

from common import Writer

w = Writer("creation.txt", __doc__)
DT = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32}

w.add("zeros.float32", torch.zeros(2, 3))
w.add("zeros.int64", torch.zeros(4, dtype=torch.int64))
w.add("ones.float64", torch.ones(3, 2, dtype=torch.float64))
w.add("ones.int32", torch.ones(5, dtype=torch.int32))
w.add("full.float64", torch.full((4,), 2.5, dtype=torch.float64))
w.add("full.float32", torch.full((2, 3), -0.1, dtype=torch.float32))
w.add("full.int64", torch.full((3, 1), 7, dtype=torch.int64))
for i, (n, m) in enumerate([(3, None), (3, 4), (4, 2), (0, None), (1, None), (2, 0)]):
    for dt in ("float32", "int64"):
        w.add(f"eye.{dt}.{i}", torch.eye(n, dtype=DT[dt]) if m is None else torch.eye(n, m, dtype=DT[dt]))

ARANGE_F = [(0, 1, 0.1), (-3.3, 7.1, 0.053), (0.1, 0.7, 0.005), (1e-3, 5.5, 0.0371), (5, -2.5, -0.7),
            (3, 3, 1), (0, 10, 1), (-1, 1, 0.3), (2.5, 2.5, -1), (1, 1.01, 0.02)]
ARANGE_I = [(0, 5, 1), (-7, 20, 3), (10, -3, -4), (0, 0, 1), (1, 100, 1), (100, -1, -7)]
for dt in ("float32", "float64"):
    for i, (s, e, st) in enumerate(ARANGE_F):
        w.add(f"arange.{dt}.{i}", torch.arange(s, e, st, dtype=DT[dt]))
for dt in ("int64", "int32"):
    for i, (s, e, st) in enumerate(ARANGE_I):
        w.add(f"arange.{dt}.{i}", torch.arange(s, e, st, dtype=DT[dt]))

LIN_F = [(0, 1, 5), (-3.3, 7.1, 100), (0.1, 0.7, 37), (1e-3, 5.5, 203), (2, -1.7, 33), (0, 1, 0), (3.5, 9, 1),
         (0, 1, 2), (0.3, 0.9, 31), (-1, 1, 17), (1, 1, 40), (0, 1, 16)]
LIN_I = [(0, 10, 5), (-7, 20, 13), (3, -8, 7), (0, 1, 33), (5, 5, 1), (0, 100, 41), (-50, 50, 0), (2, 1000, 99)]
for dt in ("float32", "float64"):
    for i, (s, e, n) in enumerate(LIN_F):
        w.add(f"linspace.{dt}.{i}", torch.linspace(s, e, n, dtype=DT[dt]))
for dt in ("int64", "int32"):
    for i, (s, e, n) in enumerate(LIN_I):
        w.add(f"linspace.{dt}.{i}", torch.linspace(s, e, n, dtype=DT[dt]))

LOG_F = [(0, 2, 5, 10.0), (-3, 3, 37, 10.0), (0, 10, 11, 2.0), (1, -1.5, 40, 10.0), (0, 1, 0, 10.0),
         (0.5, 4, 1, 10.0), (-0.3, 0.7, 33, 2.718281828459045), (2, 2, 3, 3.0)]
LOG_I = [(0, 3, 4, 10.0), (0, 5, 6, 2.0), (1, 3, 7, 10.0), (0, 1, 1, 10.0), (0, 10, 21, 2.0)]
for dt in ("float32", "float64"):
    for i, (s, e, n, b) in enumerate(LOG_F):
        w.add(f"logspace.{dt}.{i}", torch.logspace(s, e, n, base=b, dtype=DT[dt]))
for dt in ("int64",):
    for i, (s, e, n, b) in enumerate(LOG_I):
        w.add(f"logspace.{dt}.{i}", torch.logspace(s, e, n, base=b, dtype=DT[dt]))

w.save()
