/**
 * A language client for the tests: starts `hpo lsp` as editors do (a child process over stdio) and
 * speaks the protocol to it through vscode-jsonrpc, the library VS Code's own client is built on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-jsonrpc/node";
import type { PublishDiagnosticsParams } from "vscode-languageserver";

const hpoBin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));

export class TestClient {
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: {
    test: (p: PublishDiagnosticsParams) => boolean;
    done: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  private versions = new Map<string, number>();
  stderr = "";

  private constructor(
    readonly conn: MessageConnection,
    private readonly proc: ChildProcess,
  ) {
    conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      for (const w of [...this.waiters])
        if (w.test(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.done(p);
        }
    });
  }

  /** Starts the server and completes the initialize handshake. */
  static async start(initializationOptions: Record<string, unknown> = {}): Promise<TestClient> {
    const proc = spawn(process.execPath, [hpoBin, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const conn = createMessageConnection(
      new StreamMessageReader(proc.stdout!),
      new StreamMessageWriter(proc.stdin!),
    );
    const client = new TestClient(conn, proc);
    proc.stderr!.on("data", (b: Buffer) => (client.stderr += b.toString()));
    conn.listen();
    await conn.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions,
    });
    await conn.sendNotification("initialized", {});
    return client;
  }

  /** The server's capabilities come back from initialize; a second client asks again when needed. */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** Opens a document and waits for its first diagnostics (the full check). */
  async open(path: string, text: string): Promise<{ uri: string; diagnostics: PublishDiagnosticsParams }> {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri);
    await this.conn.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "hpo", version: 1, text },
    });
    return { uri, diagnostics: await published };
  }

  /** Replaces a document's whole text (as typing would, edit by edit) and waits for the debounced diagnostics. */
  async change(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return published;
  }

  /** Saves a document and waits for the full check's diagnostics. */
  async save(uri: string): Promise<PublishDiagnosticsParams> {
    const published = this.nextDiagnostics(uri);
    await this.conn.sendNotification("textDocument/didSave", { textDocument: { uri } });
    return published;
  }

  async close(uri: string): Promise<PublishDiagnosticsParams> {
    const published = this.nextDiagnostics(uri);
    await this.conn.sendNotification("textDocument/didClose", { textDocument: { uri } });
    return published;
  }

  /** The diagnostics the server publishes next for `uri` (for `version`, when given). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise((done) =>
      this.waiters.push({
        test: (p) => p.uri === uri && (version === undefined || p.version === version),
        done,
      }),
    );
  }

  /** Every diagnostics notification received so far. */
  get allPublished(): readonly PublishDiagnosticsParams[] {
    return this.published;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((done) => this.proc.once("exit", (code) => done(code)));
    await this.request("shutdown", null);
    await this.conn.sendNotification("exit");
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}
