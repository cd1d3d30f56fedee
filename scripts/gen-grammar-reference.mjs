#!/usr/bin/env node
// Rewrites grammar/reference/{grammar.ebnf,railroad.html} from the compiled parser (run `npm run build:ts` first).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { grammarEbnf, railroadHtml } from "../dist/grammar/reference.js";

const dir = new URL("../grammar/reference/", import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "grammar.ebnf"), grammarEbnf());
writeFileSync(join(dir, "railroad.html"), railroadHtml());
console.log(`wrote ${join(dir, "grammar.ebnf")} and ${join(dir, "railroad.html")}`);
