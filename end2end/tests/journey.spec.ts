import { test, expect, Page } from "@playwright/test";
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// The whole people-and-progress journey on a server of its own (so it can be restarted):
// first-run link → organisation and admin → invitation → learner signs up → passes a quiz →
// restart → the progress is still there.

const root = path.resolve(__dirname, "..", "..");
const PASSWORD = "a long enough passphrase";

interface Server {
  proc: ChildProcess;
  setupPath: string | null;
}

function startServer(port: number, db: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const proc = spawn(path.join(root, "target", "debug", "levelfield"), ["serve"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db,
        LEVELFIELD_CONTENT: "tests/fixtures/valid",
        LEVELFIELD_WATCH_CONTENT: "0",
        LEPTOS_OUTPUT_NAME: "levelfield",
        LEPTOS_SITE_ROOT: "target/site",
        LEPTOS_SITE_PKG_DIR: "pkg",
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_RELOAD_PORT: String(port + 1),
        RUST_LOG: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let setupPath: string | null = null;
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/\/setup\?token=([0-9a-f]{64})/);
      if (m) setupPath = `/setup?token=${m[1]}`;
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
    // Ready when /healthz answers.
    const poll = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) {
          clearTimeout(timer);
          // Give the first-run line a moment to arrive on stdout.
          await new Promise((r) => setTimeout(r, 300));
          resolve({ proc, setupPath });
          return;
        }
      } catch {}
      setTimeout(poll, 250);
    };
    poll();
  });
}

async function stop(server: Server) {
  server.proc.removeAllListeners("exit");
  const exited = new Promise((r) => server.proc.once("exit", r));
  server.proc.kill("SIGINT");
  await exited;
}

async function fillAccount(page: Page, name: string, email: string) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your email").fill(email);
  await page.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
}

test("setup, invitation, learning, restart", async ({ browser }, testInfo) => {
  // Its own server, on its own ports (E2E_JOURNEY_PORT moves them, to run beside other servers).
  const first = Number(process.env.E2E_JOURNEY_PORT ?? 3110);
  const port = testInfo.project.name === "js" ? first : first + 10;
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(tmpdir(), "levelfield-e2e-"));
  const db = `sqlite://${dir}/levelfield.db`;
  let server = await startServer(port, db);
  try {
    expect(server.setupPath, "the first-run link is printed").not.toBeNull();
    const admin = await browser.newPage({ baseURL: base });
    await admin.goto(server.setupPath!);
    await admin.getByLabel("Organisation name").fill("Acme Analytics");
    await fillAccount(admin, "Ada Admin", "ada@acme.test");
    await admin.getByRole("button", { name: "Create organisation" }).click();
    await expect(admin).toHaveURL(/\/admin/);
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Acme Analytics");

    // The link works once.
    const again = await browser.newPage({ baseURL: base });
    await again.goto(server.setupPath!);
    await expect(again.getByText("already set up")).toBeVisible();
    await again.close();

    await admin.getByLabel("New team").fill("Data team");
    await admin.getByRole("button", { name: "Add team" }).click();
    await admin.getByLabel("Role", { exact: true }).selectOption("learner");
    await admin.getByLabel("Team", { exact: true }).selectOption({ label: "Data team" });
    await admin.getByRole("button", { name: "Create invitation link" }).click();
    const invite = (await admin.getByTestId("invite-link").textContent())!.trim();
    expect(invite).toMatch(/^\/join\?token=[0-9a-f]{64}$/);

    const learner = await browser.newPage({ baseURL: base });
    await learner.goto(invite);
    await expect(learner.getByText("You are invited to Acme Analytics as learner.")).toBeVisible();
    await fillAccount(learner, "Lee Learner", "lee@acme.test");
    await learner.getByRole("button", { name: "Create my account" }).click();
    await expect(learner).toHaveURL(/\/me$/);

    // Read a module and pass its quiz.
    await learner.goto("/modules/evaluating-models");
    const quiz = learner.locator("form.quiz");
    if (testInfo.project.name === "js") await expect(quiz).toHaveAttribute("data-hydrated", "true");
    // Choices are shuffled for every attempt: pick them by their text, never by position.
    await quiz.getByLabel("A validation set").check();
    await quiz.getByLabel("A score far above published results").check();
    await quiz.getByLabel("A feature recorded after the outcome").check();
    await quiz.getByRole("button", { name: "Check answers" }).click();
    await expect(learner.locator("#quiz-result")).toContainText("2 of 2");
    // A retake is a new attempt: a fresh page with the quiz to answer again.
    await quiz.getByRole("link", { name: "Take the quiz again" }).click();
    await expect(learner.locator("form.quiz").getByRole("button", { name: "Check answers" })).toBeVisible();
    await learner.goto("/me");
    await expect(learner.getByTestId("completed")).toContainText("Evaluating models");
    await expect(learner.getByTestId("results")).toContainText("2 of 2");
    await learner.screenshot({ path: testInfo.outputPath(`my-learning-${testInfo.project.name}.png`), fullPage: true });

    // Restart the server: sessions and progress live in the database.
    await stop(server);
    server = await startServer(port, db);
    expect(server.setupPath, "no setup link once an organisation exists").toBeNull();
    await learner.goto("/me");
    await expect(learner.getByTestId("completed")).toContainText("Evaluating models");
    await expect(learner.getByTestId("results")).toContainText("2 of 2");
  } finally {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
