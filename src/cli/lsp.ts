import type { Command } from "commander";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "../lsp/server.js";

/** `hpo lsp`: the language server over stdio, for editors (docs/editor.md). */
export function registerLsp(program: Command): void {
  program
    .command("lsp")
    .description("run the language server over stdio (for editors: diagnostics, completion, hover, rename…)")
    // Clients such as vscode-languageclient pass the transport; stdio is the only one.
    .option("--stdio", "talk over stdin/stdout (the default)")
    .action(() => {
      startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    });
}
