"""Golden values for ctorch's factorizations and solvers (ctorch/ops/linalg: inverse, det, slogdet,
logdet, solve, triangular_solve, solve_triangular, cholesky, cholesky_solve, cholesky_inverse, lu,
lu_factor, lu_solve, lu_unpack, qr, geqrf, householder_product, ormqr, svd, eigh, lstsq, pinv,
matrix_rank, matrix_norm, matrix_power, trace) from PyTorch.

Run: /usr/bin/python3 tests/golden/gen_linalg_factor.py
"""
import torch

from common import Writer

torch.manual_seed(0)
w = Writer("linalg_factor.txt",
           "Factorizations and solvers of small float32/float64 matrices (ctorch/ops/linalg), torch.manual_seed(0).")


def r(*shape, dtype=torch.float64):
    return (torch.rand(*shape, dtype=torch.float64) * 2 - 1).to(dtype)


def spd(n, batch=(), dtype=torch.float64):
    x = r(*batch, n, n)
    return (x @ x.transpose(-1, -2) + n * torch.eye(n, dtype=torch.float64)).to(dtype)


for dt, tag in ((torch.float64, "d"), (torch.float32, "f")):
    A = r(4, 4, dtype=dt) + 2 * torch.eye(4, dtype=dt)
    Ab = r(2, 4, 4, dtype=dt)
    B = r(4, 2, dtype=dt)
    b = r(4, dtype=dt)
    Bb = r(2, 4, 3, dtype=dt)
    S = spd(4, dtype=dt)
    Sb = spd(3, (2,), dtype=dt)
    M = r(5, 3, dtype=dt)  # tall
    W = r(3, 5, dtype=dt)  # wide
    for name, t in (("A", A), ("Ab", Ab), ("B", B), ("b", b), ("Bb", Bb), ("S", S), ("Sb", Sb), ("M", M), ("W", W)):
        w.add(f"{tag}_{name}", t)
    # inverse, det, slogdet, logdet, solve
    w.add(f"{tag}_inv_A", torch.linalg.inv(A))
    w.add(f"{tag}_inv_Ab", torch.linalg.inv(Ab))
    w.add(f"{tag}_det_A", torch.linalg.det(A))
    w.add(f"{tag}_det_Ab", torch.linalg.det(Ab))
    sg, la = torch.linalg.slogdet(Ab)
    w.add(f"{tag}_slogdet_sign_Ab", sg)
    w.add(f"{tag}_slogdet_log_Ab", la)
    w.add(f"{tag}_logdet_S", torch.logdet(S))
    w.add(f"{tag}_solve_AB", torch.linalg.solve(A, B))
    w.add(f"{tag}_solve_Ab", torch.linalg.solve(A, b))
    w.add(f"{tag}_solve_AbBb", torch.linalg.solve(Ab, Bb))
    w.add(f"{tag}_solve_AbB", torch.linalg.solve(Ab, B.unsqueeze(0)))
    # triangular
    w.add(f"{tag}_trisolve_upper", torch.triangular_solve(B, A, upper=True).solution)
    w.add(f"{tag}_trisolve_lower_t_unit", torch.triangular_solve(B, A, upper=False, transpose=True,
                                                                 unitriangular=True).solution)
    w.add(f"{tag}_solve_tri_right", torch.linalg.solve_triangular(A, B.t().contiguous(), upper=False, left=False))
    # cholesky
    w.add(f"{tag}_chol_S", torch.linalg.cholesky(S))
    w.add(f"{tag}_chol_upper_S", torch.linalg.cholesky(S, upper=True))
    w.add(f"{tag}_chol_Sb", torch.linalg.cholesky(Sb))
    L = torch.linalg.cholesky(S)
    w.add(f"{tag}_chol_solve", torch.cholesky_solve(B, L))
    w.add(f"{tag}_chol_solve_upper", torch.cholesky_solve(B, L.t().contiguous(), upper=True))
    w.add(f"{tag}_chol_inverse", torch.cholesky_inverse(L))
    # lu
    for mname, X in (("A", A), ("M", M), ("W", W), ("Ab", Ab)):
        P, Lm, U = torch.linalg.lu(X)
        w.add(f"{tag}_lu_P_{mname}", P)
        w.add(f"{tag}_lu_L_{mname}", Lm)
        w.add(f"{tag}_lu_U_{mname}", U)
        LU, piv = torch.linalg.lu_factor(X)
        w.add(f"{tag}_lu_LU_{mname}", LU)
        w.add(f"{tag}_lu_piv_{mname}", piv)
    LU, piv = torch.linalg.lu_factor(A)
    w.add(f"{tag}_lu_solve", torch.linalg.lu_solve(LU, piv, B))
    w.add(f"{tag}_lu_solve_adj", torch.linalg.lu_solve(LU, piv, B, adjoint=True))
    # qr, geqrf, householder_product, ormqr
    for mname, X in (("M", M), ("W", W), ("Ab", Ab)):
        Q, R = torch.linalg.qr(X)
        w.add(f"{tag}_qr_Q_{mname}", Q)
        w.add(f"{tag}_qr_R_{mname}", R)
    Q, R = torch.linalg.qr(M, mode="complete")
    w.add(f"{tag}_qrc_Q_M", Q)
    w.add(f"{tag}_qrc_R_M", R)
    a, tau = torch.geqrf(M)
    w.add(f"{tag}_geqrf_a_M", a)
    w.add(f"{tag}_geqrf_tau_M", tau)
    w.add(f"{tag}_orgqr_M", torch.linalg.householder_product(a, tau))
    C = r(5, 2, dtype=dt)
    w.add(f"{tag}_C", C)
    w.add(f"{tag}_ormqr_QtC", torch.ormqr(a, tau, C, left=True, transpose=True))
    w.add(f"{tag}_ormqr_CtQ", torch.ormqr(a, tau, C.t().contiguous(), left=False, transpose=False))
    # svd (S exactly; U, Vh up to the signs of their vectors), eigh
    for mname, X in (("M", M), ("W", W), ("Ab", Ab)):
        U, Sv, Vh = torch.linalg.svd(X, full_matrices=False)
        w.add(f"{tag}_svd_U_{mname}", U)
        w.add(f"{tag}_svd_S_{mname}", Sv)
        w.add(f"{tag}_svd_Vh_{mname}", Vh)
    ev, V = torch.linalg.eigh(S)
    w.add(f"{tag}_eigh_w_S", ev)
    w.add(f"{tag}_eigh_V_S", V)
    w.add(f"{tag}_eigh_w_Sb", torch.linalg.eigvalsh(Sb))
    Sym = r(4, 4, dtype=dt)
    w.add(f"{tag}_Sym", Sym)  # only its lower triangle counts
    w.add(f"{tag}_eigh_w_Sym", torch.linalg.eigvalsh(Sym))
    w.add(f"{tag}_eigh_w_Sym_U", torch.linalg.eigvalsh(Sym, UPLO="U"))
    # lstsq (gels), pinv, rank, norms, power, trace
    Bm = r(5, 2, dtype=dt)
    w.add(f"{tag}_Bm", Bm)
    sol = torch.linalg.lstsq(M, Bm, driver="gels")
    w.add(f"{tag}_lstsq_M", sol.solution)
    w.add(f"{tag}_lstsq_res_M", ((M @ sol.solution - Bm) ** 2).sum(0))
    Bw = r(3, 2, dtype=dt)
    w.add(f"{tag}_Bw", Bw)
    w.add(f"{tag}_lstsq_W", torch.linalg.lstsq(W, Bw, driver="gels").solution)
    w.add(f"{tag}_pinv_M", torch.linalg.pinv(M))
    w.add(f"{tag}_pinv_W", torch.linalg.pinv(W))
    D = M @ r(3, 4, dtype=dt)  # 5 x 4 of rank 3
    w.add(f"{tag}_D", D)
    w.add(f"{tag}_pinv_D", torch.linalg.pinv(D))
    w.add(f"{tag}_rank_D", torch.linalg.matrix_rank(D))
    w.add(f"{tag}_rank_Ab", torch.linalg.matrix_rank(Ab))
    for o, on in (("fro", "fro"), ("nuc", "nuc"), (2, "2"), (-2, "m2"), (1, "1"), (-1, "m1"),
                  (float("inf"), "inf"), (float("-inf"), "minf")):
        w.add(f"{tag}_norm_{on}_M", torch.linalg.matrix_norm(M, ord=o))
    w.add(f"{tag}_norm_fro_Ab", torch.linalg.matrix_norm(Ab))
    w.add(f"{tag}_pow3_A", torch.linalg.matrix_power(A, 3))
    w.add(f"{tag}_powm2_A", torch.linalg.matrix_power(A, -2))
    w.add(f"{tag}_pow0_Ab", torch.linalg.matrix_power(Ab, 0))
    w.add(f"{tag}_trace_M", torch.trace(M))
w.save()
