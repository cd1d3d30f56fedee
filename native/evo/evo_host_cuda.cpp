// The CUDA module needs the host-side pieces of the CPU reference too (argument checks, elite selection,
// crowding distance, ranking of small fronts), so it compiles evo_cpu.cpp as well rather than copying it.
#include "evo/evo_cpu.cpp"  // NOLINT(build/include): one source, two modules
