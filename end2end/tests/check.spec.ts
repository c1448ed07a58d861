import { test, expect } from "@playwright/test";
import { runCli, startServer, tempDatabase } from "./support/server";

// A learner takes an adaptive skill check, one question per page (a plain form: the same with
// and without JavaScript), until the result: a level, or "unknown", with its 95% range.

test("a learner takes a skill check and sees a level with its range", async ({ browser }, testInfo) => {
  const db = tempDatabase("check");
  const seeded = runCli(["demo"], { db: db.url });
  expect(seeded.status, seeded.stderr).toBe(0);
  // The demo's learners have answered every question of every bank already; its manager has no
  // evidence of their own, so their checks have questions to ask.
  const login = seeded.stdout.match(/manager\s+(\S+@\S+)/)![1];
  const server = await startServer({ db: db.url });
  try {
    const page = await browser.newPage({ baseURL: server.base });
    await page.goto("/login");
    await page.getByLabel("Email").fill(login);
    await page.getByLabel("Password").fill("levelfield demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));

    // The first skill with questions to ask.
    await page.goto("/skills");
    const skills = (await page.locator("ul.skill-index a").evaluateAll((links) => links.map((a) => a.getAttribute("href")!)))
      .map((href) => href.replace("/skills/", ""));
    let skill = "";
    for (const candidate of skills) {
      await page.goto(`/skills/${candidate}/check`);
      if (await page.locator("form#check").isVisible()) {
        skill = candidate;
        break;
      }
    }
    expect(skill, "a skill with questions left to answer").not.toBe("");
    // From the skill's page to its check.
    await page.goto(`/skills/${skill}`);
    await page.getByRole("link", { name: "Check this skill" }).click();
    await expect(page).toHaveURL(new RegExp(`/skills/${skill}/check`));

    // Answer (the first choice shown) until the check stops; never more than its limit.
    let answered = 0;
    for (; answered <= 20; answered++) {
      const form = page.locator("form#check");
      const result = page.locator("#check-result");
      await expect(form.or(result)).toBeVisible();
      if (await result.isVisible()) break;
      await expect(form.getByRole("group")).toContainText(`Question ${answered + 1}`);
      await form.locator("ul.choices input").first().check();
      await form.getByRole("button", { name: "Answer" }).click();
    }
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(20);

    const result = page.locator("#check-result");
    await expect(result).toBeVisible();
    await expect(result.locator(".check-level")).toHaveText(/^Level (\d\.\d|unknown) \(95% range (\d\.\d–\d\.\d|at least \d\.\d, capped at 2)/);
    await expect(result).toContainText(`This check used ${answered} answer`);
    await expect(result.locator("ul.evidence li").first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`check-${testInfo.project.name}.png`), fullPage: true });

    // The answers are evidence on My skills, where each skill links to its check.
    await result.getByRole("link", { name: "Back to my skills" }).click();
    await expect(page.locator(`a[href="/skills/${skill}/check"]`)).toContainText("Check this skill");
  } finally {
    await server.stop();
    db.remove();
  }
});
