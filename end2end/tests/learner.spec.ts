import { test, expect } from "@playwright/test";

// A learner finds a module in the catalogue, reads it and takes its quiz.
test("catalogue → module → quiz", async ({ page }, testInfo) => {
  const js = testInfo.project.name === "js";
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const cards = page.getByTestId("catalogue").locator("li.card");
  expect(await cards.count()).toBeGreaterThanOrEqual(3);

  // Filter by level with the plain GET form.
  await page.getByLabel("Level").selectOption("beginner");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/level=beginner/);
  await expect(page.getByRole("status").first()).toContainText("modules match");

  // Open the first module.
  const first = page.getByTestId("catalogue").locator("li.card h2 a").first();
  const title = (await first.textContent())?.trim() ?? "";
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator(".module-layout .prose")).not.toBeEmpty();
  await expect(page.getByRole("navigation", { name: "On this page" })).toBeVisible();

  // Answer every question with the first choice shown (the order is shuffled per attempt).
  const quiz = page.locator("form.quiz");
  if (js) {
    // Only the browser sets this: proof that the island hydrated.
    await expect(quiz).toHaveAttribute("data-hydrated", "true");
  }
  const questions = quiz.locator("fieldset.question");
  const n = await questions.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    await questions.nth(i).locator("input").first().check();
  }
  await quiz.getByRole("button", { name: "Check answers" }).click();
  await expect(page.locator("#quiz-result")).toContainText(`of ${n} questions correctly`);
  await expect(questions.first().locator(".verdict")).toBeVisible();
  await expect(questions.first().locator(".explanation")).not.toBeEmpty();
  if (js) {
    // Graded in place, without leaving the page.
    await expect(page).not.toHaveURL(/answers=/);
  } else {
    await expect(page).toHaveURL(/answers=/);
  }
  await page.screenshot({ path: testInfo.outputPath(`quiz-${testInfo.project.name}.png`), fullPage: true });
});

test("a module reads without JavaScript: contents, skills, prerequisites", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("catalogue").locator("li.card h2 a").last().click();
  await expect(page.locator(".prose h2").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Skills this module teaches" })).toBeVisible();
  const toc = page.getByRole("navigation", { name: "On this page" }).getByRole("link").first();
  const href = await toc.getAttribute("href");
  expect(href).toMatch(/^#/);
  await toc.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
});

test("unknown pages answer 404", async ({ page }) => {
  const res = await page.goto("/modules/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Module not found");
});
