import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  defaultStorageUrl,
  parseStorageUrl,
  resolveStorageUrl,
  redactStorageUrl,
} from "../../src/plan/storage-url.js";

test("parses memory, SQLite with its synchronous option, and PostgreSQL URLs", () => {
  assert.equal(parseStorageUrl("memory:"), { kind: "memory" });
  assert.equal(parseStorageUrl("sqlite:.hpo/s.db"), {
    kind: "sqlite",
    path: ".hpo/s.db",
    synchronous: "full",
  });
  assert.equal(parseStorageUrl("sqlite:/a/s.db?synchronous=normal"), {
    kind: "sqlite",
    path: "/a/s.db",
    synchronous: "normal",
  });
  assert.equal(parseStorageUrl("postgres://u@h:5432/db"), {
    kind: "postgres",
    url: "postgres://u@h:5432/db",
  });
});

test("says what is wrong with a bad URL", () => {
  const problem = (url: string) => {
    const p = parseStorageUrl(url);
    assert.ok("error" in p, url);
    return p;
  };
  assert.match(problem("sqlite:").error, /needs a path/);
  assert.match(problem("sqlite:a.db?synchronous=off").error, /must be `full` or `normal`/);
  assert.match(problem("sqlite:a.db?journal=wal").error, /unknown option `journal`/);
  const unknown = problem("mysql://h/db");
  assert.match(unknown.error, /unknown storage `mysql:\/\/h\/db`/);
  assert.match(unknown.hint ?? "", /sqlite:PATH/);
});

test("relative SQLite paths resolve against the spec's folder; others stay as written", () => {
  assert.is(resolveStorageUrl("sqlite:s.db", "/a"), "sqlite:/a/s.db");
  assert.is(resolveStorageUrl("sqlite:/b/s.db", "/a"), "sqlite:/b/s.db");
  assert.is(resolveStorageUrl("sqlite::memory:", "/a"), "sqlite::memory:");
  assert.is(resolveStorageUrl("memory:", "/a"), "memory:");
});

test("the default storage keeps study names safe as file names", () => {
  assert.is(defaultStorageUrl("/a", "my study/1"), "sqlite:/a/.hpo/my_study_1.db");
});

test("a PostgreSQL password is hidden wherever a storage URL is printed", () => {
  assert.is(redactStorageUrl("postgresql://hpo:s3cr%40t@db:5432/x"), "postgresql://hpo:***@db:5432/x");
  assert.is(
    redactStorageUrl("postgres://hpo:pw@db/x?password=pw2&ssl=1"),
    "postgres://hpo:***@db/x?password=***&ssl=1",
  );
  assert.is(redactStorageUrl("postgresql://hpo@db/x"), "postgresql://hpo@db/x");
  assert.is(redactStorageUrl("sqlite:/a/user:pw@b.db"), "sqlite:/a/user:pw@b.db");
});

test.run();
