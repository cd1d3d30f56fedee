// Kernel values over whole arrays of scaled squared distances, with a SIMD exponential, for the CPU
// engine's kernel matrices and candidate blocks (the scalar libm exp was a quarter of an lml call at
// n = 200 and most of the acquisition's time). Same formulas as gp_math.h.
#pragma once

namespace hpo::gp {

// m[j] = outputscale * m(s[j]) and, when g is not null, g[j] = outputscale * g(s[j]), for j < len.
// `s` and `m` may be the same array. Exactly 0 where s >= kFarDistance or s is NaN (as gp_math.h),
// and where the value would be below 1e-300 (subnormal range).
void kernel_values_cpu(int kind, const double* s, double* m, double* g, double outputscale, int len);

// out[j] = sum_k (xi[k] - Xt[k * ld + j])^2 for j < len: squared distances from one row to many, with
// the many stored transposed (d rows of length >= len), so the loop over j is contiguous.
void sqdist_row_cpu(const double* xi, const double* Xt, int ld, int d, int len, double* out);

// acc[k] += sum_{j < len} w[j] (xi[k] - Xt[k * ld + j])^2 for k < d (the lengthscale gradient's pair
// sums), in a fixed order (4 lanes, then the tail).
void weighted_sqdiff_row_cpu(const double* w, const double* xi, const double* Xt, int ld, int d, int len, double* acc);

// wg[j] = w[j] g[j] for j < len, and returns sum_j w[j] k[j] added in order of j (the same bits on
// every machine): one chain of additions, kept in a register here (inlined into the likelihood's
// gradient pass it went through memory on every step).
double products_and_ordered_dot_cpu(const double* w, const double* g, const double* k, int len, double* wg);

}  // namespace hpo::gp
