#!/usr/bin/env node
// Rewrites editors/vscode/syntaxes/hpo.tmLanguage.json from grammar/tokens.ts (run `npm run build:ts` first).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { textmateGrammarJson } from "../dist/grammar/textmate.js";

const file = fileURLToPath(new URL("../editors/vscode/syntaxes/hpo.tmLanguage.json", import.meta.url));
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, textmateGrammarJson());
console.log(`wrote ${file}`);
