// What hpo's install script does (scripts/install.mjs), as a pure function of what it found, so
// that the decision is tested (test/scripts/install-plan.test.ts) without running npm.
//
//   checkout     a git checkout (`npm ci` in the repository, or `npx hpo` linking it)
//   forced       `npm rebuild hpo --build-from-source` or HPO_BUILD_FROM_SOURCE=1
//   underNpx     npm runs the script for `npx` (npm_command=exec), with its output hidden
//   built        build/Release/hpo_cpu.node exists
//   prebuilt     the platform package's hpo_cpu.node resolves
//   cmake        cmake runs
//
// Returns "build" (a source build), "keep" (nothing to do) or "explain" (no addon and no way to
// build one here: say what to do, and leave the install intact).
export function installAction({ checkout, forced, underNpx, built, prebuilt, cmake }) {
  if (forced) return "build";
  if (checkout) return underNpx && built ? "keep" : "build";
  if (prebuilt) return "keep";
  return cmake ? "build" : "explain";
}
