/**
 * `hpo lsp`: the language server, over any connection (stdio for editors, streams in the tests). It
 * holds each open document's last analysis and answers from it: diagnostics (the fast checks while
 * typing, debounced; the full checks on open and save), completion, hover, definition, references,
 * highlights, rename, formatting, document symbols and quick fixes.
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Connection,
  DocumentHighlightKind,
  type InitializeResult,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatSource, RESERVED } from "../lang/index.js";
import { quickFixes } from "./actions.js";
import { type Analysis, analyze, contains, occurrences, paramAt } from "./analysis.js";
import { complete } from "./completion.js";
import { toLspDiagnostic } from "./diagnostics.js";
import { hover } from "./hover.js";
import { rangeOf } from "./positions.js";
import { documentSymbols } from "./symbols.js";

/** How long typing must pause before the fast checks run. */
export const DEBOUNCE_MS = 200;

/** docs/language.md of this installation: where diagnostic codes and built-ins link to. */
export const LANGUAGE_DOCS_URL = pathToFileURL(
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "language.md"),
).href;

export interface ServerOptions {
  debounceMs?: number;
  docsUrl?: string;
}

/** A document URI as the path the front end names in messages and resolves relative files against. */
export function pathOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

/** Wires every handler of the server to `connection` and starts listening. */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  let debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  const docsUrl = options.docsUrl ?? LANGUAGE_DOCS_URL;
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const timers = new Map<string, NodeJS.Timeout>();

  /** Analyses a document now and publishes its diagnostics. */
  const check = (doc: TextDocument, full: boolean): Analysis => {
    clearTimeout(timers.get(doc.uri));
    timers.delete(doc.uri);
    const a = analyze(doc.getText(), pathOf(doc.uri), doc.version, full);
    analyses.set(doc.uri, a);
    void connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: a.diagnostics.map((d) => toLspDiagnostic(d, docsUrl)),
    });
    return a;
  };

  /** The document's analysis for its current text (the fast checks, run now if the text changed since). */
  const current = (uri: string): { doc: TextDocument; a: Analysis } | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const a = analyses.get(uri);
    return { doc, a: a && a.version === doc.version ? a : check(doc, false) };
  };

  connection.onInitialize((params): InitializeResult => {
    // A client may tune the pause: `initializationOptions: { debounceMs: 500 }`.
    const asked = (params.initializationOptions as { debounceMs?: unknown } | undefined)?.debounceMs;
    if (typeof asked === "number" && Number.isFinite(asked) && asked >= 0) debounceMs = asked;
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        completionProvider: { triggerCharacters: ["(", ",", "="] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
      },
      serverInfo: { name: "hpo" },
    };
  });

  documents.onDidOpen((e) => check(e.document, true));
  documents.onDidSave((e) => check(e.document, true));
  documents.onDidChangeContent((e) => {
    // Open is handled above; a change waits for a pause in typing.
    if (!analyses.has(e.document.uri)) return;
    clearTimeout(timers.get(e.document.uri));
    timers.set(
      e.document.uri,
      setTimeout(() => {
        const doc = documents.get(e.document.uri);
        if (doc) check(doc, false);
      }, debounceMs),
    );
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    analyses.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return complete(doc.getText(), doc.offsetAt(p.position), analyses.get(doc.uri), docsUrl);
  });

  connection.onHover((p) => {
    const c = current(p.textDocument.uri);
    return c ? hover(c.a, p.position, docsUrl) : null;
  });

  connection.onDefinition((p) => {
    const c = current(p.textDocument.uri);
    const param = c && paramAt(c.a, p.position);
    return param ? { uri: p.textDocument.uri, range: rangeOf(param.nameSpan) } : null;
  });

  connection.onReferences((p) => {
    const c = current(p.textDocument.uri);
    const param = c && paramAt(c.a, p.position);
    if (!c || !param) return [];
    const spans = occurrences(c.a, param.name);
    return (p.context.includeDeclaration ? spans : spans.slice(1)).map((s) => ({
      uri: p.textDocument.uri,
      range: rangeOf(s),
    }));
  });

  connection.onDocumentHighlight((p) => {
    const c = current(p.textDocument.uri);
    const param = c && paramAt(c.a, p.position);
    if (!c || !param) return [];
    return occurrences(c.a, param.name).map((s, i) => ({
      range: rangeOf(s),
      kind: i === 0 ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
  });

  connection.onPrepareRename((p) => {
    const c = current(p.textDocument.uri);
    const param = c && paramAt(c.a, p.position);
    if (!c || !param) return null;
    const at = occurrences(c.a, param.name).find((s) => contains(s, p.position));
    return at ? { range: rangeOf(at), placeholder: param.name } : null;
  });

  connection.onRenameRequest((p) => {
    const c = current(p.textDocument.uri);
    const param = c && paramAt(c.a, p.position);
    if (!c || !param) return null;
    const name = p.newName;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ResponseError(
        0,
        `\`${name}\` is not a name: use letters, digits and _, not starting with a digit`,
      );
    if (RESERVED.has(name)) throw new ResponseError(0, `\`${name}\` is a reserved word`);
    if (name !== param.name && c.a.params.has(name))
      throw new ResponseError(0, `a hyperparameter \`${name}\` is already declared`);
    const edits = occurrences(c.a, param.name).map((s) => ({ range: rangeOf(s), newText: name }));
    return { changes: { [p.textDocument.uri]: edits } };
  });

  connection.onDocumentFormatting((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const formatted = formatSource(text, pathOf(doc.uri)).text;
    // With syntax errors there is no canonical layout; the diagnostics say what to fix.
    if (formatted === undefined || formatted === text) return [];
    return [
      { range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted },
    ];
  });

  connection.onDocumentSymbol((p) => {
    const c = current(p.textDocument.uri);
    return c ? documentSymbols(c.a.ast) : [];
  });

  connection.onCodeAction((p) => {
    const c = current(p.textDocument.uri);
    if (!c) return [];
    return quickFixes(p.textDocument.uri, p.context.diagnostics, c.a.ast, (r) => c.doc.getText(r));
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
