// The app server for specs that need one of their own (a fresh database, a restart, a demo
// organisation): spawned from the dev build on a free loopback port, so that specs, projects and
// people running tests side by side never clash on a port.
//
//   const db = tempDatabase("journey");
//   const server = await startServer({ db: db.url });
//   ... browser.newPage({ baseURL: server.base }) ...
//   await server.stop(); db.remove();

import { spawn, spawnSync, ChildProcess, SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const root = path.resolve(__dirname, "..", "..", "..");
export const bin = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug", "levelfield");

/// A port that nothing listens on now, chosen by the kernel on 127.0.0.1.
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      if (address === null || typeof address === "string") {
        probe.close();
        reject(new Error("no port"));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

/// A SQLite database in a fresh temporary folder; `remove()` deletes the folder.
export function tempDatabase(prefix: string): { url: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `levelfield-${prefix}-`));
  return {
    url: `sqlite://${dir}/levelfield.db`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ServerOptions {
  /// `DATABASE_URL` of the server.
  db: string;
  /// `LEVELFIELD_CONTENT`; the shipped `content/` when not given.
  content?: string;
  /// A port of its own; a free one when not given (a restart passes the old one back).
  port?: number;
}

/// The environment of the server binary: what `cargo leptos` would set, on `port` (and its
/// live-reload port, which nothing serves here, on `reloadPort`).
export function serverEnv(options: ServerOptions & { port: number; reloadPort: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.db,
    LEVELFIELD_WATCH_CONTENT: "0",
    LEPTOS_OUTPUT_NAME: "levelfield",
    LEPTOS_SITE_ROOT: "target/site",
    LEPTOS_SITE_PKG_DIR: "pkg",
    LEPTOS_SITE_ADDR: `127.0.0.1:${options.port}`,
    LEPTOS_RELOAD_PORT: String(options.reloadPort),
    RUST_LOG: "warn",
  };
  if (options.content) env.LEVELFIELD_CONTENT = options.content;
  else delete env.LEVELFIELD_CONTENT;
  return env;
}

export interface Server {
  proc: ChildProcess;
  port: number;
  /// `http://127.0.0.1:<port>`, for `browser.newPage({ baseURL })`.
  base: string;
  /// The first-run link the server printed, if it printed one.
  setupPath: string | null;
  /// Everything it printed so far.
  output(): string;
  /// Stops it (SIGINT, as Ctrl-C would) and waits until it has exited.
  stop(): Promise<void>;
}

/// Starts `levelfield serve` and resolves once `/healthz` answers.
export async function startServer(options: ServerOptions): Promise<Server> {
  const port = options.port ?? (await freePort());
  const reloadPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ["serve"], {
    cwd: root,
    env: serverEnv({ ...options, port, reloadPort }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let exited: number | null | undefined;
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exit = new Promise<void>((resolve) =>
    proc.once("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited with ${exited}:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`server did not start on ${base}:\n${out}`);
    }
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  // Give a first-run line a moment to arrive on stdout.
  await new Promise((r) => setTimeout(r, 300));
  const server: Server = {
    proc,
    port,
    base,
    setupPath: null,
    output: () => out,
    stop: async () => {
      if (exited === undefined) {
        proc.kill("SIGINT");
        await exit;
      }
    },
  };
  const m = out.match(/\/setup\?token=([0-9a-f]{64})/);
  if (m) server.setupPath = `/setup?token=${m[1]}`;
  return server;
}

/// Runs a command of the server binary (e.g. `demo`) to completion, on the same environment.
export function runCli(args: string[], options: ServerOptions): SpawnSyncReturns<string> {
  return spawnSync(bin, args, {
    cwd: root,
    env: serverEnv({ ...options, port: options.port ?? 0, reloadPort: 0 }),
    encoding: "utf8",
  });
}
