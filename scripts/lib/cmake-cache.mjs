// Whether a build folder's CMakeCache.txt may be reused. CMake refuses a cache written for another
// source or build folder ("does not match the source … used to generate cache"), which is what a
// moved or copied checkout has: scripts/build-native.mjs then configures afresh.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";

// A cache entry's value: `NAME:TYPE=value`.
function entry(text, name) {
  const m = new RegExp(`^${name}:[A-Z]+=(.*)$`, "m").exec(text);
  return m ? m[1].trim() : undefined;
}

const real = (p) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/**
 * Why `buildDir`'s CMake cache cannot be reused for `sourceDir`, or undefined when it can (or there
 * is none). Paths are compared after resolving symlinks, as CMake does.
 */
export function staleCacheReason(buildDir, sourceDir) {
  const file = join(buildDir, "CMakeCache.txt");
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const home = entry(text, "CMAKE_HOME_DIRECTORY");
  const cacheDir = entry(text, "CMAKE_CACHEFILE_DIR");
  if (home !== undefined && real(home) !== real(sourceDir))
    return `${file} was written for the sources in ${home}, not ${real(sourceDir)} (a moved or copied checkout)`;
  if (cacheDir !== undefined && real(cacheDir) !== real(buildDir))
    return `${file} was written for the build folder ${cacheDir}, not ${real(buildDir)}`;
  return undefined;
}
