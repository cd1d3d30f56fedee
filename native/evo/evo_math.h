// Per-gene genetic operators shared by the CPU (evo_cpu.cpp) and CUDA (evo.cu) paths.
//
// Genes live in the unit cube [0, 1]. Log-scaled parameters are encoded in log space before they
// reach the engine, so a log gene is mutated like a continuous one. Integer genes with L levels sit on
// the grid i / (L - 1); categorical genes with k levels sit at the centres (i + 0.5) / k.
//
// Every random number is a function of (seed, generation, individual, position) through
// Philox4x32-10, at a fixed position per purpose (see the draw layout below), so a child does not
// depend on which branch an earlier gene took and the CPU and CUDA paths produce the same bits. Math uses only correctly rounded
// operations (+ - * / sqrt): pow, log, exp and cos are computed here (DetLog, DetExp, DetCos2Pi)
// because libm and CUDA's versions differ in the last bit.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/hd.h"
#include "rng/philox_math.h"

namespace hpo::evo {

enum GeneType : int32_t { kContinuous = 0, kLog = 1, kInteger = 2, kCategorical = 3 };
enum CrossoverKind : int32_t { kSbx = 0, kUniform = 1 };
enum MutationKind : int32_t { kPolynomial = 0, kGaussian = 1 };

// The operator settings of one generation; the TS wrapper fills every field (no defaults here).
struct Operators {
  int32_t tournament;      // tournament size k >= 1
  double crossover;        // probability that a child is made by crossover (else a copy of parent 1)
  double mutation;         // per-gene mutation probability
  int32_t crossover_kind;  // CrossoverKind
  double eta_c;            // SBX distribution index
  double eta_m;            // polynomial mutation distribution index
  int32_t mutation_kind;   // MutationKind for continuous and log genes
  double sigma;            // Gaussian mutation standard deviation (unit cube)
  int32_t elitism;         // evolve(): the best `elitism` individuals are copied unchanged
};

// Draw layout of one child's stream, in Philox blocks of four 32-bit words (one block is one
// Philox4x32-10 evaluation, the costly part of a gene on a GPU, so every word is used):
//   selection: words 0..k-1 pick tournament 1, k..2k-1 tournament 2, word 2k is the crossover coin,
//              four words per block, in blocks 0..SelectionBlocks(k)-1;
//   gene g:    block SelectionBlocks(k) + 2g holds its four coins (GeneWord), as 32-bit uniforms;
//              block SelectionBlocks(k) + 2g + 1 its two 53-bit mutation draws, generated only when
//              the gene mutates.
enum GeneWord : uint32_t { kWordPick = 0, kWordSbxGene = 1, kWordSbxBeta = 2, kWordMutate = 3 };
HPO_HD uint32_t SelectionBlocks(int32_t tournament) { return (2u * static_cast<uint32_t>(tournament) + 4u) / 4u; }
HPO_HD uint32_t GeneBlock(int32_t tournament, int32_t gene) {
  return SelectionBlocks(tournament) + 2u * static_cast<uint32_t>(gene);
}

// The evolution streams are keyed by seed ^ kEvoDomain so they never coincide with other areas'
// streams under the same study seed.
constexpr uint64_t kEvoDomain = 0x45564F4C5554494FULL;  // "EVOLUTIO"

// Block `block` of the stream of (generation, individual).
HPO_HD rng::U32x4 Block(uint64_t seed, uint32_t generation, uint32_t individual, uint32_t block) {
  uint64_t stream = (static_cast<uint64_t>(generation) << 32) | individual;
  return rng::StreamBlock(seed ^ kEvoDomain, stream, block);
}

// A 32-bit word as a uniform double in (0, 1): enough resolution for a coin or a spread factor.
HPO_HD double Coin(uint32_t word) { return (static_cast<double>(word) + 0.5) * (1.0 / 4294967296.0); }

// A 32-bit word as an index in [0, n): the high half of word * n (exact integer arithmetic).
HPO_HD int32_t IndexOf(uint32_t word, int32_t n) {
  return static_cast<int32_t>((static_cast<uint64_t>(word) * static_cast<uint64_t>(n)) >> 32);
}

// The selection words of one child, read in order, one Philox block per four words.
struct SelectionWords {
  uint64_t seed;
  uint32_t generation, individual, next;
  rng::U32x4 block;
  HPO_HD uint32_t Take() {
    if ((next & 3u) == 0u) block = Block(seed, generation, individual, next >> 2);
    const uint32_t i = next++ & 3u;
    // Selected, not indexed: a run-time index into block.v puts the block in local memory on the GPU.
    return i == 0u ? block.v[0] : i == 1u ? block.v[1] : i == 2u ? block.v[2] : block.v[3];
  }
};

// ---- deterministic elementary functions (only + - * / and exponent bit manipulation) ------------

HPO_HD uint64_t DoubleBits(double x) {
#if defined(__CUDA_ARCH__)
  return static_cast<uint64_t>(__double_as_longlong(x));
#else
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}

HPO_HD double BitsDouble(uint64_t u) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm's split of ln 2
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInf = __builtin_huge_val();

// Natural log for x > 0 (normal numbers); 0 -> -inf. Relative error ~1e-16.
HPO_HD double DetLog(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -kInf : (x - x) / (x - x);
  if (x == kInf) return x;
  uint64_t bits = DoubleBits(x);
  int32_t e = static_cast<int32_t>((bits >> 52) & 0x7FF);
  if (e == 0) {                                  // subnormal: scale into the normal range first
    bits = DoubleBits(x * 18014398509481984.0);  // 2^54
    e = static_cast<int32_t>((bits >> 52) & 0x7FF) - 54;
  }
  e -= 1023;
  double m = BitsDouble((bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);  // [1, 2)
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    e += 1;
  }
  // log m = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716
  double f = (m - 1.0) / (m + 1.0);
  double s = f * f;
  double p = 1.0 / 25.0;
  p = p * s + 1.0 / 23.0;
  p = p * s + 1.0 / 21.0;
  p = p * s + 1.0 / 19.0;
  p = p * s + 1.0 / 17.0;
  p = p * s + 1.0 / 15.0;
  p = p * s + 1.0 / 13.0;
  p = p * s + 1.0 / 11.0;
  p = p * s + 1.0 / 9.0;
  p = p * s + 1.0 / 7.0;
  p = p * s + 1.0 / 5.0;
  p = p * s + 1.0 / 3.0;
  double logm = 2.0 * f + 2.0 * f * (s * p);
  double de = static_cast<double>(e);
  return de * kLn2Hi + (de * kLn2Lo + logm);
}

// e^x. Relative error ~1e-16; underflows to 0 below -708, overflows to inf above 709.7.
HPO_HD double DetExp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return kInf;
  if (x < -708.0) return 0.0;
  double kd = x * 1.4426950408889634;  // x / ln 2
  kd = kd >= 0.0 ? static_cast<double>(static_cast<int64_t>(kd + 0.5))
                 : static_cast<double>(static_cast<int64_t>(kd - 0.5));
  double r = (x - kd * kLn2Hi) - kd * kLn2Lo;  // |r| <= 0.35
  double p = 1.0 / 6402373705728000.0;         // 1/18!
  p = p * r + 1.0 / 355687428096000.0;
  p = p * r + 1.0 / 20922789888000.0;
  p = p * r + 1.0 / 1307674368000.0;
  p = p * r + 1.0 / 87178291200.0;
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  int64_t k = static_cast<int64_t>(kd);                                             // in [-1021, 1024]
  if (k == 1024) return (p * 2.0) * BitsDouble(static_cast<uint64_t>(2046) << 52);  // 2^1024 is not a double
  return p * BitsDouble(static_cast<uint64_t>(k + 1023) << 52);
}

// base^exponent for base >= 0.
HPO_HD double DetPow(double base, double exponent) {
  if (base == 0.0) return exponent > 0.0 ? 0.0 : kInf;
  if (base == 1.0) return 1.0;
  return DetExp(exponent * DetLog(base));
}

// base^exponent for base >= 0, by binary powering when the exponent is a whole number of magnitude
// at most kMaxWholeExponent: SBX and polynomial mutation raise to eta + 1 and -(eta + 1), whole for the
// usual distribution indices (hpo's defaults are 15 and 20), and a handful of multiplications cost far
// less than DetPow's log and exp, which are most of a gene's arithmetic on a GPU. The exponent is the
// same for every gene of a generation, so the choice never diverges within a warp. Error a few ulp.
constexpr double kMaxWholeExponent = 64.0;
HPO_HD double Pow(double base, double exponent) {
  const double magnitude = exponent < 0.0 ? -exponent : exponent;
  if (magnitude >= 1.0 && magnitude <= kMaxWholeExponent) {
    const int32_t n = static_cast<int32_t>(magnitude);
    if (static_cast<double>(n) == magnitude) {
      double power = 1.0, square = base;
      for (int32_t k = n;;) {
        if (k & 1) power *= square;
        k >>= 1;
        if (k == 0) break;
        square *= square;
      }
      return exponent < 0.0 ? 1.0 / power : power;
    }
  }
  return DetPow(base, exponent);
}

// cos(2 pi v) for v in [0, 1).
HPO_HD double DetCos2Pi(double v) {
  double q = static_cast<double>(static_cast<int64_t>(4.0 * v + 0.5));  // nearest quarter turn
  double a = (v - q * 0.25) * 6.283185307179586;                        // |a| <= pi / 4
  double s = a * a;
  int32_t quadrant = static_cast<int32_t>(q) & 3;
  if (quadrant == 0 || quadrant == 2) {
    double c = 1.0 / 20922789888000.0;  // 1/16!
    c = c * s - 1.0 / 87178291200.0;
    c = c * s + 1.0 / 479001600.0;
    c = c * s - 1.0 / 3628800.0;
    c = c * s + 1.0 / 40320.0;
    c = c * s - 1.0 / 720.0;
    c = c * s + 1.0 / 24.0;
    c = c * s - 0.5;
    c = c * s + 1.0;
    return quadrant == 0 ? c : -c;
  }
  double p = -1.0 / 1307674368000.0;  // -1/15!
  p = p * s + 1.0 / 6227020800.0;
  p = p * s - 1.0 / 39916800.0;
  p = p * s + 1.0 / 362880.0;
  p = p * s - 1.0 / 5040.0;
  p = p * s + 1.0 / 120.0;
  p = p * s - 1.0 / 6.0;
  p = p * s + 1.0;
  double sn = a * p;
  return quadrant == 1 ? -sn : sn;  // cos(a + pi/2) = -sin a, cos(a + 3pi/2) = sin a
}

// A standard normal from two uniforms (Box-Muller, cosine branch); u1 is mapped to (0, 1].
HPO_HD double StandardNormal(double u1, double u2) { return sqrt(-2.0 * DetLog(1.0 - u1)) * DetCos2Pi(u2); }

HPO_HD double Clamp01(double x) { return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x); }

// ---- selection ------------------------------------------------------------------------------------

// Lower fitness is better; NaN (a failed trial) loses to any number.
HPO_HD bool Better(double a, double b) { return a < b || (b != b && a == a); }

// Tournament of `tournament` candidates drawn with replacement by the next words of `words`.
// fitness is (n,). Ties go to the candidate drawn first.
HPO_HD int32_t Tournament(const double* fitness, int32_t n, int32_t tournament, SelectionWords& words) {
  int32_t best = -1;
  for (int32_t t = 0; t < tournament; ++t) {
    int32_t candidate = IndexOf(words.Take(), n);
    if (best < 0 || Better(fitness[candidate], fitness[best])) best = candidate;
  }
  return best;
}

// ---- snapping to a gene's valid values -------------------------------------------------------------

HPO_HD double SnapInteger(double x, int32_t levels) {
  if (levels <= 1) return 0.0;
  double span = static_cast<double>(levels - 1);
  double i = static_cast<double>(static_cast<int64_t>(Clamp01(x) * span + 0.5));
  return i / span;
}

HPO_HD int32_t CategoryOf(double x, int32_t levels) {
  int32_t i = static_cast<int32_t>(Clamp01(x) * static_cast<double>(levels));
  return i >= levels ? levels - 1 : i;
}

HPO_HD double CategoryCentre(int32_t i, int32_t levels) {
  return (static_cast<double>(i) + 0.5) / static_cast<double>(levels);
}

HPO_HD double Snap(double x, int32_t type, int32_t levels) {
  if (type == kInteger) return SnapInteger(x, levels);
  if (type == kCategorical) return CategoryCentre(CategoryOf(x, levels), levels);
  return Clamp01(x);
}

// ---- crossover ------------------------------------------------------------------------------------

// SBX spread factor beta_q for one side (Deb & Agrawal 1995, bounded form of Deb's NSGA-II code):
// `distance` is the gap between the nearer parent and its bound, `gap` the distance between parents.
// Branch-free: Deb's two cases differ only in the base of the second power, so that base is selected
// and one power computed. On a GPU a branch here would make a warp run both powers whenever its
// lanes disagree (they usually do: u is a fresh coin per gene).
HPO_HD double SbxBetaQ(double u, double distance, double gap, double eta_c) {
  double beta = 1.0 + 2.0 * distance / gap;
  double alpha = 2.0 - Pow(beta, -(eta_c + 1.0));
  double inv = 1.0 / (eta_c + 1.0);
  double base = u <= 1.0 / alpha ? u * alpha : 1.0 / (2.0 - u * alpha);
  return DetPow(base, inv);
}

// One SBX child gene in [0, 1] from parent genes p1, p2: u_beta draws the spread, u_pick which of the
// two symmetric children is kept (only that one is computed: each side costs two powers). The side is
// selected, not branched on, for the reason given at SbxBetaQ.
HPO_HD double SbxGene(double p1, double p2, double u_beta, double u_pick, double eta_c) {
  double y1 = p1 < p2 ? p1 : p2;
  double y2 = p1 < p2 ? p2 : p1;
  double gap = y2 - y1;
  if (gap <= 1e-14) return u_pick < 0.5 ? p1 : p2;
  const bool lower = u_pick < 0.5;
  double spread = SbxBetaQ(u_beta, lower ? y1 : 1.0 - y2, gap, eta_c) * gap;
  return Clamp01(0.5 * (lower ? (y1 + y2) - spread : (y1 + y2) + spread));
}

// ---- mutation -------------------------------------------------------------------------------------

// Deb's bounded polynomial mutation of y in [0, 1]. Its two cases (u <= 1/2 pushes down, else up)
// differ only in the arguments of the same two powers, so the arguments are selected and the powers
// computed once: branch-free for the GPU, as in SbxBetaQ.
HPO_HD double PolynomialMutation(double y, double u, double eta_m) {
  double power = 1.0 / (eta_m + 1.0);
  const bool down = u <= 0.5;
  double xy = down ? 1.0 - y : y;  // the distance to the bound it moves towards
  double tail = Pow(xy, eta_m + 1.0);
  double val = down ? 2.0 * u + (1.0 - 2.0 * u) * tail : 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * tail;
  double root = DetPow(val, power);
  double deltaq = down ? root - 1.0 : 1.0 - root;
  return Clamp01(y + deltaq);
}

HPO_HD double GaussianMutation(double y, double u1, double u2, double sigma) {
  return Clamp01(y + sigma * StandardNormal(u1, u2));
}

// Integer gene: one grid step down or up (u < 0.5: down), reflected at the ends.
HPO_HD double StepMutation(double y, double u, int32_t levels) {
  if (levels <= 1) return 0.0;
  int32_t i = static_cast<int32_t>(SnapInteger(y, levels) * static_cast<double>(levels - 1) + 0.5);
  int32_t next = u < 0.5 ? i - 1 : i + 1;
  if (next < 0) next = 1;
  if (next > levels - 1) next = levels - 2;
  return static_cast<double>(next) / static_cast<double>(levels - 1);
}

// Categorical gene: reset to one of the other k - 1 levels, uniformly.
HPO_HD double ResetMutation(double y, double u, int32_t levels) {
  if (levels <= 1) return CategoryCentre(0, 1);
  int32_t current = CategoryOf(y, levels);
  int32_t pick = static_cast<int32_t>(u * static_cast<double>(levels - 1));
  if (pick >= levels - 1) pick = levels - 2;
  if (pick >= current) pick += 1;
  return CategoryCentre(pick, levels);
}

// ---- one child --------------------------------------------------------------------------------------

struct Parents {
  int32_t a, b;
  bool cross;
};

// The two tournament winners of child `individual` and whether it is bred by crossover.
HPO_HD Parents SelectParents(const double* fitness, int32_t n, const Operators& op, uint64_t seed, uint32_t generation,
                             uint32_t individual) {
  SelectionWords words{seed, generation, individual, 0u, rng::U32x4{}};
  Parents p;
  p.a = Tournament(fitness, n, op.tournament, words);
  p.b = Tournament(fitness, n, op.tournament, words);
  p.cross = Coin(words.Take()) < op.crossover;
  return p;
}

// Gene g of child `individual` from parent genes pa and pb (of type and levels of gene g).
HPO_HD double BreedGene(double pa, double pb, bool cross, int32_t type, int32_t levels, const Operators& op,
                        uint64_t seed, uint32_t generation, uint32_t individual, int32_t g) {
  const uint32_t block = GeneBlock(op.tournament, g);
  const rng::U32x4 coins = Block(seed, generation, individual, block);
  const double pick = Coin(coins.v[kWordPick]);
  double x = pa;
  if (cross) {
    x = pick < 0.5 ? pa : pb;
    // SBX touches each non-categorical gene with probability 1/2, as in Deb's code; else uniform.
    if (op.crossover_kind == kSbx && type != kCategorical && Coin(coins.v[kWordSbxGene]) < 0.5)
      x = SbxGene(pa, pb, Coin(coins.v[kWordSbxBeta]), pick, op.eta_c);
  }
  x = Snap(x, type, levels);
  if (Coin(coins.v[kWordMutate]) < op.mutation) {
    const rng::U32x4 m = Block(seed, generation, individual, block + 1u);
    const double m1 = rng::UnitDouble(m.v[0], m.v[1]);
    if (type == kInteger) {
      x = StepMutation(x, m1, levels);
    } else if (type == kCategorical) {
      x = ResetMutation(x, m1, levels);
    } else if (op.mutation_kind == kGaussian) {
      x = GaussianMutation(x, m1, rng::UnitDouble(m.v[2], m.v[3]), op.sigma);
    } else {
      x = PolynomialMutation(x, m1, op.eta_m);
    }
  }
  return x;
}

// Breeds child `individual` of `generation` from `genes` ((n, d), row-major) and `fitness` ((n,)) into
// `child` ((d,)). types and levels are (d,).
HPO_HD void BreedChild(double* child, const double* genes, const double* fitness, const int32_t* types,
                       const int32_t* levels, int32_t n, int32_t d, const Operators& op, uint64_t seed,
                       uint32_t generation, uint32_t individual) {
  Parents p = SelectParents(fitness, n, op, seed, generation, individual);
  const double* pa = genes + static_cast<int64_t>(p.a) * d;
  const double* pb = genes + static_cast<int64_t>(p.b) * d;
  for (int32_t g = 0; g < d; ++g)
    child[g] = BreedGene(pa[g], pb[g], p.cross, types[g], levels[g], op, seed, generation, individual, g);
}

// ---- NSGA-II dominance -------------------------------------------------------------------------------

// Whether objective row a dominates row b (minimization; m objectives). NaN never dominates.
HPO_HD bool Dominates(const double* a, const double* b, int32_t m) {
  bool strictly = false;
  for (int32_t j = 0; j < m; ++j) {
    if (!(a[j] <= b[j])) return false;
    if (a[j] < b[j]) strictly = true;
  }
  return strictly;
}

}  // namespace hpo::evo
