import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

// scripts/ is plain JavaScript run by Node before dist/ exists; the test loads it from the repository.
const { staleCacheReason } = (await import(
  new URL("../../../scripts/lib/cmake-cache.mjs", import.meta.url).href
)) as { staleCacheReason(buildDir: string, sourceDir: string): string | undefined };

const dir = mkdtempSync(join(tmpdir(), "hpo-cmake-cache-"));

/** A checkout at `name` whose build folder's cache was written for `home` / `cacheDir`. */
function checkout(name: string, home?: string, cacheDir?: string): string {
  const src = join(dir, name);
  mkdirSync(join(src, "build"), { recursive: true });
  if (home !== undefined)
    writeFileSync(
      join(src, "build", "CMakeCache.txt"),
      `# This is the CMakeCache file.\nCMAKE_CACHEFILE_DIR:INTERNAL=${cacheDir ?? join(home, "build")}\nCMAKE_HOME_DIRECTORY:INTERNAL=${home}\nHPO_CUDA:STRING=AUTO\n`,
    );
  return src;
}

test("a cache written here is reused; no cache is nothing to reconfigure", () => {
  const here = checkout("here");
  assert.is(staleCacheReason(join(here, "build"), here), undefined);
  checkout("here", here);
  assert.is(staleCacheReason(join(here, "build"), here), undefined);
});

test("a moved checkout's cache names the folder it was written for", () => {
  const moved = checkout("moved", "/somewhere/else/hpo");
  assert.match(
    staleCacheReason(join(moved, "build"), moved) ?? "",
    /CMakeCache\.txt was written for the sources in \/somewhere\/else\/hpo, not .*moved \(a moved or copied checkout\)/,
  );
  const copiedBuild = checkout("copied", join(dir, "copied"), "/old/build");
  assert.match(
    staleCacheReason(join(copiedBuild, "build"), copiedBuild) ?? "",
    /for the build folder \/old\/build/,
  );
});

test("a checkout reached through a symlink is the same folder", () => {
  const real = checkout("real", join(dir, "real"));
  symlinkSync(real, join(dir, "link"));
  assert.is(staleCacheReason(join(dir, "link", "build"), join(dir, "link")), undefined);
});

test.run();
