// Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11; Random123).
// A counter-based generator: block(counter, key) -> 4 x uint32, with no state between calls, so any
// element of any stream can be computed independently, on the CPU or a GPU thread, bit-identically.
//
// hpo's mapping: key = (seed low 32 bits, seed high 32 bits);
//                counter = (block low, block high, stream low, stream high), block = offset / 4
// where `offset` counts 32-bit words within the stream.
#pragma once
#include <cstdint>

#include "common/hd.h"

namespace hpo::rng {

struct U32x4 {
  uint32_t v[4];
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1

HPO_HD void MulHiLo(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) {
  uint64_t product = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  *hi = static_cast<uint32_t>(product >> 32);
  *lo = static_cast<uint32_t>(product);
}

// One Philox4x32 block with 10 rounds.
HPO_HD U32x4 Philox4x32_10(U32x4 counter, uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += kPhiloxW0;
      key1 += kPhiloxW1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    MulHiLo(kPhiloxM0, counter.v[0], &hi0, &lo0);
    MulHiLo(kPhiloxM1, counter.v[2], &hi1, &lo1);
    counter = U32x4{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
  }
  return counter;
}

// The block holding 32-bit word `block` of stream `stream` under `seed`.
HPO_HD U32x4 StreamBlock(uint64_t seed, uint64_t stream, uint64_t block) {
  U32x4 counter{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), static_cast<uint32_t>(stream),
                 static_cast<uint32_t>(stream >> 32)}};
  return Philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// A double in [0, 1) with 53 random bits from two words (the top 27 of `a`, the top 26 of `b`).
HPO_HD double UnitDouble(uint32_t a, uint32_t b) {
  return (static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) * (1.0 / 9007199254740992.0);
}

}  // namespace hpo::rng
