// Blocked CPU linear algebra for larger n: the same results as the plain loops in gp_cpu.cpp (up to
// rounding), restructured so the O(n^3) work runs as contiguous row updates c[j] -= sum a_k b_k[j]
// that the compiler vectorizes without reassociating sums (elementwise, so every SIMD width gives
// bit-identical results), compiled for AVX-512, AVX2 and baseline x86-64 and picked at load time.
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
