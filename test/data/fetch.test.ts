import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fetchDataset, REMOTE, untar } from "../../src/data/fetch.js";
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
const served: Record<string, Buffer> = { "/cifar-10-binary.tar.gz": archive, "/a.gz": Buffer.from("hello") };
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
});

test("downloads, verifies and unpacks only the binary batches; keeps verified files", async () => {
  assert.is(tarRun.status, 0, "system tar builds the fixture");
  const out = join(dir, "cifar");
  const source = { base, files: [{ name: "cifar-10-binary.tar.gz", md5: md5(archive) }], archive: true };
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
