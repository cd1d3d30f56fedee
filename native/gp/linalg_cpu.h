// Blocked CPU linear algebra for larger n: the same results as the plain loops in gp_cpu.cpp up to
// rounding. The O(n^3) work runs as GEMM tiles (a 4 x 8 register-blocked micro-kernel over B packed
// in 8-column k-major tiles): the Cholesky's trailing update, L^-1 by blocked triangular solves, and
// K^-1 = L^-T L^-1. Sums run in a fixed order, so results do not depend on the number of threads;
// on CPUs with FMA the micro-kernel fuses multiply-adds, so the last bits differ between CPU types.
#pragma once
#include <vector>

namespace hpo::gp {

// Dot product with four accumulators (the compiler may not reorder a single floating-point sum), so
// the plain loops of gp_cpu.cpp and the blocked routines here round the same way.
inline double dot4(const double* a, const double* b, int len) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < len; ++k) s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// In-place Cholesky of A (n, n) row-major (lower result; upper triangle left as is). Returns -1, or
// the first pivot that is not positive.
int cholesky_blocked_cpu(double* A, int n, int threads);

// M (n, n) = L^-1, lower triangular (the upper triangle is written as zeros); column blocks in parallel.
void lower_inverse_blocked_cpu(double* M, const double* L, int n, int threads);

// V (n, c) = M B for M (n, n) lower triangular with zeros above the diagonal and B (n, c), both
// row-major, as GEMM tiles that skip M's zero blocks. `packed` is scratch (grown as needed).
void lower_times_cpu(double* V, const double* M, const double* B, int n, int c, std::vector<double>& packed);

// The lower triangle of Kinv (n, n) = (L L')^-1 via M = L^-1 (column blocks in parallel), then
// Kinv = M'M; the upper triangle holds scratch (the likelihood gradient reads the lower one only).
// `scratch`, when given, is grown as needed and may be reused across calls (no fresh allocations);
// afterwards its first n * n entries hold M' = (L^-1)' (zeros below the diagonal).
void inverse_blocked_cpu(double* Kinv, const double* L, int n, int threads, std::vector<double>* scratch = nullptr);

// Solves L X = B in place for B (n, m) row-major (many right-hand sides at once).
void solve_lower_multi_cpu(double* B, const double* L, int n, int m);

// Solves L' X = B in place for B (n, m) row-major.
void solve_lower_transposed_multi_cpu(double* B, const double* L, int n, int m);

}  // namespace hpo::gp
