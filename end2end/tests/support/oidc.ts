// The test OpenID provider (npm oidc-provider, tests/oidc-provider/server.mjs, installed by
// `scripts/setup.sh --test`) for specs that sign in with single sign-on: started on a free
// 127.0.0.1 port with one client, whose redirect URIs are the given app's.
//
//   const idp = await startProvider(server.base, { "sub-lee": { email: "lee@acme.test", name: "Lee" } });
//   ... idp.issuer, idp.clientId, idp.clientSecret ...
//   await idp.stop();

import { spawn, ChildProcess } from "node:child_process";
import path from "node:path";
import { root } from "./server";

export interface Provider {
  proc: ChildProcess;
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export async function startProvider(appBase: string, accounts: Record<string, Record<string, unknown>>): Promise<Provider> {
  const clientId = "levelfield-e2e";
  const clientSecret = "an end-to-end client secret";
  const clients = [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${appBase}/login/sso/callback`],
      post_logout_redirect_uris: [`${appBase}/`],
    },
  ];
  const proc = spawn(
    "node",
    ["server.mjs", "--port", "0", "--clients", JSON.stringify(clients), "--accounts", JSON.stringify(accounts)],
    { cwd: path.join(root, "tests", "oidc-provider"), stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const exit = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test provider did not start:\n${out}`)), 20_000);
    proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/listening (\d+) (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[2]);
      }
    });
    proc.once("exit", (code) => reject(new Error(`the test provider exited with ${code}:\n${out}`)));
  });
  return {
    proc,
    issuer,
    clientId,
    clientSecret,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await exit;
      }
    },
  };
}
