// Blocked CPU linear algebra for larger n: the same results as the plain loops in gp_cpu.cpp up to
// rounding. The O(n^3) work runs as GEMM tiles (a 4 x 8 register-blocked micro-kernel over B packed
// in 8-column k-major tiles): the Cholesky's trailing update, L^-1 by blocked triangular solves, and
// K^-1 = L^-T L^-1. Sums run in a fixed order, so results do not depend on the number of threads;
// on CPUs with FMA the micro-kernel fuses multiply-adds, so the last bits differ between CPU types.
#pragma once
#include <vector>

namespace hpo::gp {

// In-place Cholesky of A (n, n) row-major (lower result; upper triangle left as is). Returns -1, or
// the first pivot that is not positive.
int cholesky_blocked_cpu(double* A, int n, int threads);

// Kinv (n, n) = (L L')^-1 via M = L^-1 (column blocks in parallel), then Kinv = M'M.
// `scratch`, when given, is grown as needed and may be reused across calls (no fresh allocations).
void inverse_blocked_cpu(double* Kinv, const double* L, int n, int threads, std::vector<double>* scratch = nullptr);

// Solves L X = B in place for B (n, m) row-major (many right-hand sides at once).
void solve_lower_multi_cpu(double* B, const double* L, int n, int m);

// Solves L' X = B in place for B (n, m) row-major.
void solve_lower_transposed_multi_cpu(double* B, const double* L, int n, int m);

}  // namespace hpo::gp
