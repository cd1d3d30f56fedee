#!/usr/bin/env node
// Rewrites grammar/cst.generated.ts (the CST node types) from the compiled parser (run `npm run build:ts` first).
import { writeFileSync } from "node:fs";
import { cstTypesSource } from "../dist/grammar/cst-dts.js";

const file = new URL("../grammar/cst.generated.ts", import.meta.url).pathname;
writeFileSync(file, cstTypesSource());
console.log(`wrote ${file}`);
