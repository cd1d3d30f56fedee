import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cstTypesSource } from "../../grammar/cst-dts.js";

const file = fileURLToPath(new URL("../../../grammar/cst.generated.ts", import.meta.url));

test("grammar/cst.generated.ts matches the parser's productions", () => {
  assert.is(
    readFileSync(file, "utf8"),
    cstTypesSource(),
    "out of date: run `npm run grammar:types` and commit grammar/cst.generated.ts",
  );
});

test("the generated types name every rule of the parser", () => {
  const text = cstTypesSource();
  for (const rule of ["file", "declaration", "spaceDecl", "binaryExpression", "call", "namedArgument"]) {
    const type = `${rule.charAt(0).toUpperCase()}${rule.slice(1)}CstNode`;
    assert.match(text, `export interface ${type} extends CstNode`);
  }
});

test.run();
