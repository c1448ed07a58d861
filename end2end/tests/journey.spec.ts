import { test, expect, Page } from "@playwright/test";
import { startServer, tempDatabase } from "./support/server";

// The whole people-and-progress journey on a server of its own (so it can be restarted):
// first-run link → organisation and admin → invitation → learner signs up → passes a quiz →
// restart → the progress is still there.

const PASSWORD = "a long enough passphrase";
const CONTENT = "tests/fixtures/valid";

async function fillAccount(page: Page, name: string, email: string) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your email").fill(email);
  await page.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
}

test("setup, invitation, learning, restart", async ({ browser }, testInfo) => {
  const db = tempDatabase("e2e");
  let server = await startServer({ db: db.url, content: CONTENT });
  const base = server.base;
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
    await learner.locator("#q-choose-choice-1").check();
    await learner.locator("#q-leak-choice-0").check();
    await learner.locator("#q-leak-choice-1").check();
    await quiz.getByRole("button", { name: "Check answers" }).click();
    await expect(learner.locator("#quiz-result")).toContainText("2 of 2");
    await learner.goto("/me");
    await expect(learner.getByTestId("completed")).toContainText("Evaluating models");
    await expect(learner.getByTestId("results")).toContainText("2 of 2");
    await learner.screenshot({ path: testInfo.outputPath(`my-learning-${testInfo.project.name}.png`), fullPage: true });

    // Restart the server: sessions and progress live in the database.
    await server.stop();
    server = await startServer({ db: db.url, content: CONTENT, port: server.port });
    expect(server.setupPath, "no setup link once an organisation exists").toBeNull();
    await learner.goto("/me");
    await expect(learner.getByTestId("completed")).toContainText("Evaluating models");
    await expect(learner.getByTestId("results")).toContainText("2 of 2");
  } finally {
    await server.stop();
    db.remove();
  }
});
