import { test, expect } from "@playwright/test";

// A learning path from an awareness module for everyone to one whose practical task shows
// practitioner level, walked through the prerequisite links ("Where this leads" forward,
// "Before you start" back). Reading teaches to level 2 ("working") at most; level 3 is a task.
const path = [
  "ai-foundations",
  "ml-fundamentals-hands-on",
  "training-and-evaluation",
  "deploying-models",
  "monitoring-and-maintenance",
];

test("walk a learning path from awareness to practitioner", async ({ page }) => {
  await page.goto(`/modules/${path[0]}`);
  await expect(page.locator(".teaches")).toContainText("awareness");
  await expect(page.locator(".prerequisites")).toHaveCount(0);
  for (let i = 1; i < path.length; i++) {
    await page.locator(`.leads-to a[href="/modules/${path[i]}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/modules/${path[i]}$`));
    // The module we came from is listed as a prerequisite of this one.
    await expect(page.locator(`.prerequisites a[href="/modules/${path[i - 1]}"]`)).toBeVisible();
  }
  await expect(page.locator(".teaches")).toContainText("working");
  await expect(page.locator(".task-level")).toContainText("at level 3");
});
