// Node-API glue for TPE's mixture log density (parzen.h). Every argument is checked here (TypeError
// or RangeError naming it, code HPO_INVALID_ARGUMENT), so no call from JS can crash the process;
// src/native/tpe.ts is the typed wrapper.
//
// JS: tpeMixtureLogPdf(base: Float64Array (kernels), tables: Float64Array (table rows * kernels),
//                      rows: Int32Array (samples * discrete), mu: Float64Array (continuous * kernels),
//                      invSigma: Float64Array (same), x: Float64Array (samples * continuous),
//                      out: Float64Array (samples)) -> undefined
// tpeCellLogMass(left: Float64Array (cells), right: Float64Array (cells), mu: Float64Array (pairs),
//                sigma: Float64Array (pairs, each > 0), out: Float64Array (cells * pairs)) -> undefined
// A fraction of a millisecond at the sizes an ask has, so it runs inline on the calling thread.
#include <napi.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "registry.h"
#include "tpe/parzen.h"

namespace hpo::tpe {
namespace {

// Largest kernel and sample counts one call takes (a history of a million trials; more is a bug).
constexpr size_t kMaxCount = size_t{1} << 20;

// `length` as a whole number of `unit`-sized rows, or a RangeError naming the array.
size_t RowsOf(Napi::Env env, const char* name, size_t length, size_t unit, const char* unit_name) {
  if (unit == 0 ? length != 0 : length % unit != 0)
    ThrowRange(env, std::string(name) + " must hold a multiple of " + unit_name + " (" + std::to_string(unit) +
                        ") values, got " + std::to_string(length));
  return unit == 0 ? 0 : length / unit;
}

Napi::Value MixtureLogPdfJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto base = TypedArrayArg<double>(info, 0, "base", ArrayRequirements::NoNaN());
  auto tables = TypedArrayArg<double>(info, 1, "tables", ArrayRequirements::NoNaN());
  auto rows = TypedArrayArg<int32_t>(info, 2, "rows", ArrayRequirements::Length(ArrayRequirements::kAnyLength));
  auto mu = TypedArrayArg<double>(info, 3, "mu", ArrayRequirements::Finite());
  auto inv = TypedArrayArg<double>(info, 4, "invSigma", ArrayRequirements::Finite(mu.length));
  auto x = TypedArrayArg<double>(info, 5, "x", ArrayRequirements::Finite());
  auto out = TypedArrayArg<double>(info, 6, "out", ArrayRequirements::Length(ArrayRequirements::kAnyLength));
  const size_t nk = base.length;
  const size_t samples = out.length;
  if (nk < 1 || nk > kMaxCount)
    ThrowRange(
        env, "base must hold one value per kernel, 1 to " + std::to_string(kMaxCount) + ", got " + std::to_string(nk));
  if (samples > kMaxCount) ThrowRange(env, "out must hold at most " + std::to_string(kMaxCount) + " samples");
  const size_t table_rows = RowsOf(env, "tables", tables.length, nk, "kernels");
  const size_t nc = RowsOf(env, "mu", mu.length, nk, "kernels");
  const size_t nd = samples == 0 ? 0 : RowsOf(env, "rows", rows.length, samples, "samples");
  if (x.length != samples * nc)
    ThrowRange(env, "x must hold samples * continuous (" + std::to_string(samples * nc) + ") values, got " +
                        std::to_string(x.length));
  for (size_t i = 0; i < samples * nd; ++i)
    if (rows.data[i] < 0 || static_cast<size_t>(rows.data[i]) >= table_rows)
      ThrowRange(env, "rows: element " + std::to_string(i) + " is " + std::to_string(rows.data[i]) +
                          ", not a row of tables (0 to " + std::to_string(table_rows) + " - 1)");
  std::vector<double> scratch(nk);
  MixtureBatch batch{base.data, tables.data, rows.data, mu.data, inv.data, x.data, samples, nk, nd, nc};
  MixtureLogPdf(batch, scratch.data(), out.data);
  return env.Undefined();
}

Napi::Value CellLogMassJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto left = TypedArrayArg<double>(info, 0, "left", ArrayRequirements::NoNaN());
  auto right = TypedArrayArg<double>(info, 1, "right", ArrayRequirements::NoNaN(left.length));
  auto mu = TypedArrayArg<double>(info, 2, "mu", ArrayRequirements::Finite());
  auto sigma = TypedArrayArg<double>(info, 3, "sigma", ArrayRequirements::Finite(mu.length));
  if (left.length > kMaxCount || mu.length > kMaxCount)
    ThrowRange(env, "left and mu must hold at most " + std::to_string(kMaxCount) + " values each");
  for (size_t p = 0; p < sigma.length; ++p)
    if (!(sigma.data[p] > 0.0))
      ThrowRange(env, "sigma must be > 0; element " + std::to_string(p) + " is " + FormatNumber(sigma.data[p]));
  auto out = TypedArrayArg<double>(info, 4, "out", ArrayRequirements::Length(left.length * mu.length));
  CellLogMass(left.data, right.data, left.length, mu.data, sigma.data, mu.length, out.data);
  return env.Undefined();
}

}  // namespace

void RegisterTpeCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("tpeMixtureLogPdf", Napi::Function::New(env, MixtureLogPdfJs, "tpeMixtureLogPdf"));
  exports.Set("tpeCellLogMass", Napi::Function::New(env, CellLogMassJs, "tpeCellLogMass"));
}

}  // namespace hpo::tpe
