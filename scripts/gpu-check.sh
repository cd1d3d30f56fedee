#!/usr/bin/env bash
# Runs hpo's GPU checks on a machine that has an NVIDIA GPU, its driver and nothing else: no Node.js, no
# npm, no network. Everything comes from .carry/, made on the build machine by
# `node scripts/gpu-pack.mjs` (see that file for the layout).
#
#   bash scripts/gpu-check.sh          # from the repository root, with .carry/ present
#
# Steps: unpack node to a temporary folder; `hpo doctor`; the GPU tests (`run-tests.mjs --gpu-only`);
# then, when they were built, `dist/bench/{rng,surrogate,evolution,acquisition}.js --device cuda`. Every step's output
# is saved under "$OUT/gpu-check/" when OUT is set (else .carry/out/), and a summary is printed last.
# HPO_GPU_CHECK_STEP_TIMEOUT (seconds, default 240) bounds each step, and HPO_GPU_CHECK_BUDGET (seconds,
# default 520) all of them together, so the whole check fits in one 10-minute remote command.
# Exit status: 0 all steps passed on a CUDA device; 1 a step failed; 2 .carry missing or unusable;
# 3 no usable CUDA device (the reason is printed; the GPU tests then only report skips).
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
carry="$repo/.carry"
root="$carry/root"
logs="${OUT:+$OUT/gpu-check}"
logs="${logs:-$carry/out}"
step_timeout="${HPO_GPU_CHECK_STEP_TIMEOUT:-240}"
deadline=$((SECONDS + ${HPO_GPU_CHECK_BUDGET:-520}))
summary=()

say() { printf 'gpu-check: %s\n' "$*"; }
die() { say "$*"; exit 2; }

[ -d "$root" ] && [ -f "$carry/node.xz" ] ||
  die "no .carry/ here ($carry): run \`node scripts/gpu-pack.mjs\` on the build machine and carry .carry"
mkdir -p "$logs" || die "cannot write the logs to $logs"
say "logs in $logs"
[ -f "$carry/MANIFEST.txt" ] && cp "$carry/MANIFEST.txt" "$logs/MANIFEST.txt" && head -1 "$carry/MANIFEST.txt"

# ---- node ------------------------------------------------------------------------------------------
bin_dir="$(mktemp -d "${TMPDIR:-/tmp}/hpo-node.XXXXXX")" || die "cannot create a temporary folder"
trap 'rm -rf "$bin_dir"' EXIT
node="$bin_dir/node"
if command -v xz >/dev/null 2>&1; then
  xz -dc "$carry/node.xz" >"$node"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$carry/node.xz" "$node"
elif command -v busybox >/dev/null 2>&1; then
  busybox unxz -c "$carry/node.xz" >"$node"
else
  die "cannot decompress .carry/node.xz: neither xz, python3 nor busybox is installed"
fi
chmod +x "$node"
export PATH="$bin_dir:$PATH"   # so any `node` a script spawns is this one

# Use the carried C++ runtime only when the machine's own is too old for node or the addon.
probe() { (cd "$root" && "$node" -e 'require("./build/Release/hpo_cpu.node"); require("./build/Release/hpo_cuda.node")') 2>&1; }
if ! probe >/dev/null; then
  export LD_LIBRARY_PATH="$carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  probe >"$logs/load-error.txt" || die "node or the addon does not load here (see $logs/load-error.txt): $(head -3 "$logs/load-error.txt")"
  say "using the carried libstdc++ (this machine's is older)"
fi
say "node $("$node" --version) from $node"

# ---- steps -----------------------------------------------------------------------------------------
failed=0
# run_step NAME COMMAND...: runs in .carry/root with a timeout, saving output to $logs/NAME.txt.
run_step() {
  local name="$1"
  shift
  local limit=$((deadline - SECONDS))
  [ "$limit" -gt "$step_timeout" ] && limit="$step_timeout"
  if [ "$limit" -le 5 ]; then
    summary+=("--    $name (not run: the time budget is spent)")
    failed=1
    return
  fi
  say "step $name (at most ${limit}s): $*"
  (cd "$root" && timeout "$limit" "$@") >"$logs/$name.txt" 2>&1
  local rc=$?
  tail -n 25 "$logs/$name.txt" | sed "s/^/  $name | /"
  if [ "$rc" -eq 0 ]; then
    summary+=("ok    $name")
  else
    [ "$rc" -eq 124 ] && summary+=("FAIL  $name (timed out after ${limit}s)") || summary+=("FAIL  $name (exit $rc)")
    failed=1
  fi
}

command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >"$logs/nvidia-smi.txt" 2>&1
run_step doctor "$node" bin/hpo.js doctor
(cd "$root" && "$node" bin/hpo.js doctor --json >"$logs/doctor.json" 2>/dev/null)
if [ ! -s "$logs/doctor.json" ]; then
  device_reason="unknown: \`hpo doctor --json\` failed (see $logs/doctor.txt)"
else device_reason="$(cd "$root" && "$node" -e '
  const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!f.addon.cuda.available) console.log(f.addon.cuda.reason || "CUDA is not available");' "$logs/doctor.json" 2>&1)"
fi

run_step gpu-tests "$node" scripts/run-tests.mjs --gpu-only
# Extra arguments per benchmark (e.g. HPO_GPU_BENCH_SURROGATE="--n 1000,10000,20000 --candidates 100000").
for bench in rng surrogate evolution acquisition; do
  if [ -f "$root/dist/bench/$bench.js" ]; then
    var="HPO_GPU_BENCH_$(echo "$bench" | tr '[:lower:]' '[:upper:]')"
    # shellcheck disable=SC2086 # the extra arguments are meant to split
    run_step "bench-$bench" "$node" "dist/bench/$bench.js" --device cuda ${!var:-}
  else
    summary+=("--    bench-$bench (not built: dist/bench/$bench.js is absent)")
  fi
done

# Peers side by side on the same GPU, when this machine's Python has them (targets.md).
if python3 -c 'import gpytorch, torch; assert torch.cuda.is_available()' >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  run_step peer-gpytorch python3 bench/surrogate_gpytorch.py ${HPO_GPU_PEER_GPYTORCH:-}
else
  summary+=("--    peer-gpytorch (python3 with gpytorch and a CUDA torch is not available)")
fi

# ---- summary ---------------------------------------------------------------------------------------
{
  echo "hpo gpu-check summary ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  [ -f "$carry/MANIFEST.txt" ] && head -1 "$carry/MANIFEST.txt"
  grep -E '^tests: ' "$logs/gpu-tests.txt" 2>/dev/null | tail -1
  printf '%s\n' "${summary[@]}"
  if [ -n "$device_reason" ]; then
    echo "RESULT: no CUDA device: $device_reason (the GPU tests only skipped)"
  elif [ "$failed" -ne 0 ]; then
    echo "RESULT: FAILED (see $logs)"
  else
    echo "RESULT: all GPU checks passed"
  fi
} | tee "$logs/summary.txt"

[ -n "$device_reason" ] && exit 3
exit "$failed"
