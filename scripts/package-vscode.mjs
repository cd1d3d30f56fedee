#!/usr/bin/env node
// `npm run package:vscode`: builds editors/vscode/hpo-language.vsix with @vscode/vsce. Regenerates the
// TextMate grammar from grammar/tokens.ts first, and installs the extension's own dependencies (in
// editors/vscode/node_modules, apart from hpo's) when they are missing.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const ext = join(root, "editors", "vscode");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: "inherit", shell: process.platform === "win32" });

run(npm, ["run", "grammar:textmate"], root);
if (
  !existsSync(join(ext, "node_modules", "vscode-languageclient")) ||
  !existsSync(join(ext, "node_modules", ".bin", "vsce"))
)
  run(npm, ["install", "--no-audit", "--no-fund"], ext);
run(npm, ["run", "package"], ext);
const vsix = join(ext, "hpo-language.vsix");
console.log(`${vsix}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB`);
