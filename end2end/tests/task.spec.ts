import { test, expect, Page } from "@playwright/test";
import { runCli, startServer, tempDatabase } from "./support/server";

// A practical task, end to end on the demo organisation (plain forms: the same with and without
// JavaScript): a learner submits the framing one-pager on its module page, a manager of their
// team scores it against the rubric, and the learner's estimate for problem framing goes up;
// before it, quiz evidence alone is capped at level 2 or lower.

const SKILL = "problem-framing";

async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("levelfield demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/// The problem-framing row of "My skills": its estimate cell ("1.4 (working)", "2.0 (working)
/// capped at 2 until…" or "unknown") and its 95% interval cell.
async function framing(page: Page): Promise<{ estimate: string; interval: string; level: number | null }> {
  await page.goto("/me/skills");
  const row = page.getByTestId("skills").locator("tr", { has: page.locator(`a[href="/skills/${SKILL}"]`) });
  await expect(row).toHaveCount(1);
  const cells = row.locator("td");
  const estimate = ((await cells.nth(0).textContent()) ?? "").trim();
  const interval = ((await cells.nth(1).textContent()) ?? "").trim();
  const m = estimate.match(/^(\d\.\d)/);
  return { estimate, interval, level: m ? Number(m[1]) : null };
}

test("a learner submits a practical task, a manager scores it, the estimate goes up", async ({ browser }, testInfo) => {
  // Seeding the demo organisation takes a good part of the default minute on a busy machine.
  test.setTimeout(180_000);
  const db = tempDatabase("task");
  const seeded = runCli(["demo"], { db: db.url });
  expect(seeded.status, seeded.stderr).toBe(0);
  const login = (role: string) => seeded.stdout.match(new RegExp(`${role}\\s+(\\S+@\\S+)`))![1];
  const server = await startServer({ db: db.url });
  try {
    // Before: quiz evidence alone shows at most level 2 (or unknown), and says when it is capped.
    const learner = await browser.newPage({ baseURL: server.base });
    await signIn(learner, login("learner"));
    const before = await framing(learner);
    if (before.level !== null) expect(before.level).toBeLessThanOrEqual(2.0);
    if (before.estimate.includes("capped at 2")) expect(before.interval).toContain("capped at 2");
    expect(before.estimate).not.toContain("Practical task");

    // The learner submits the framing one-pager on the module page.
    await learner.goto("/modules/framing-ai-problems");
    const task = learner.locator("#task");
    await expect(task.getByRole("heading", { level: 2 })).toContainText("Practical task");
    await expect(task.getByTestId("rubric").locator("li").first()).toBeVisible();
    await task
      .getByLabel("Your work: the text, or a link to it")
      .fill("Decision: each Monday the retention lead picks 200 customers to call. Baseline: last quarter's call list.");
    await task.getByRole("button", { name: "Submit for scoring" }).click();
    await expect(task.getByRole("status")).toContainText("waiting for a score");
    await expect(learner.getByTestId("task-submissions")).toContainText("Waiting for a score");

    // A manager of the learner's team scores it: every criterion met.
    const manager = await browser.newPage({ baseURL: server.base });
    await signIn(manager, login("manager"));
    await manager.getByRole("link", { name: "My teams" }).click();
    await manager.getByRole("link", { name: "Data platform" }).click();
    await manager.getByRole("link", { name: "Practical tasks to score" }).click();
    const waiting = manager.getByTestId("waiting-tasks").locator("article.task-submission", { hasText: "framing one-pager" });
    await expect(waiting).toHaveCount(1);
    const criteria = waiting.locator("fieldset");
    const n = await criteria.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await criteria.nth(i).getByLabel("2 met").check();
    await waiting.getByRole("button", { name: "Save the score" }).click();
    await expect(manager.getByText("Scored: the learner's estimate will include it.")).toBeVisible();
    await expect(manager.getByTestId("scored-tasks")).toContainText(`${2 * n} of ${2 * n}, passed`);

    // The learner sees the score on the module page, and a higher estimate, no longer capped.
    await learner.goto("/modules/framing-ai-problems");
    await expect(learner.getByTestId("task-submissions")).toContainText("Scored: passed");
    const after = await framing(learner);
    expect(after.level, `after: ${after.estimate}`).not.toBeNull();
    if (before.level !== null) expect(after.level!).toBeGreaterThan(before.level);
    expect(after.estimate).not.toContain("capped at 2");
    await expect(
      learner.getByTestId("skills").locator("tr", { has: learner.locator(`a[href="/skills/${SKILL}"]`) }),
    ).toContainText("Practical task in");
    await learner.screenshot({ path: testInfo.outputPath(`task-${testInfo.project.name}.png`), fullPage: true });
  } finally {
    await server.stop();
    db.remove();
  }
});
