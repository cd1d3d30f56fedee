// @ts-check
// The VS Code side of hpo's language support: highlighting and snippets come from package.json's
// contributions; everything else (diagnostics, completion, hover, rename, formatting…) from the
// language server `hpo lsp`, which this client starts over stdio.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/**
 * The `hpo` executable: the `hpo.server.path` setting, else the workspace's node_modules/.bin/hpo
 * (the project's own version of hpo), else `hpo` on the PATH.
 * @returns {string}
 */
function serverPath() {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const configured = vscode.workspace.getConfiguration("hpo").get("server.path", "");
  if (configured) return configured.replace("${workspaceFolder}", folders[0]?.uri.fsPath ?? "");
  const bin = process.platform === "win32" ? "hpo.cmd" : "hpo";
  for (const folder of folders) {
    const local = join(folder.uri.fsPath, "node_modules", ".bin", bin);
    if (existsSync(local)) return local;
  }
  return bin;
}

/** @returns {LanguageClient} */
function createClient() {
  const command = serverPath();
  const args = ["lsp", ...vscode.workspace.getConfiguration("hpo").get("server.args", [])];
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = {
    command,
    args,
    transport: TransportKind.stdio,
    // npm's .cmd shims on Windows run only through a shell.
    options: { shell: process.platform === "win32" && command.endsWith(".cmd") },
  };
  /** @type {import("vscode-languageclient").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "hpo" },
      { scheme: "untitled", language: "hpo" },
    ],
  };
  return new LanguageClient("hpo", "hpo", serverOptions, clientOptions);
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `hpo: the language server did not start (${message}). Install hpo in the workspace (npm i -D hpo) or set "hpo.server.path".`,
    );
  }
}

async function restart() {
  const old = client;
  client = undefined;
  if (old) await old.stop().catch(() => undefined);
  await start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("hpo.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("hpo.server")) void restart();
    }),
  );
  await start();
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
