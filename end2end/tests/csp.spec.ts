import { test, expect, type Page } from "@playwright/test";

// The pages' Content-Security-Policy (a fresh nonce per response) must not cost the quiz island
// anything: it still hydrates and grades in place, and the browser reports no violation.

async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) seen.push(msg.text());
  });
  page.on("pageerror", (err) => {
    if (/Content Security Policy/i.test(String(err))) seen.push(String(err));
  });
  // Runs before any page script (injected by the browser's tooling, not subject to the policy).
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return seen;
}

test("the quiz island hydrates and grades under the page's CSP", async ({ page }, testInfo) => {
  const js = testInfo.project.name === "js";
  const logged = await watchViolations(page);

  await page.goto("/");
  await page.getByTestId("catalogue").locator("li.card h2 a").first().click();
  const response = await page.reload();
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("'strict-dynamic'");
  expect(policy).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? "";
  expect(nonce.length).toBeGreaterThanOrEqual(16);

  const quiz = page.locator("form.quiz");
  if (js) {
    // Only the browser sets this: the island's wasm loaded and ran under the policy.
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
  if (js) {
    // Graded through the server function (fetch), without leaving the page.
    await expect(page).not.toHaveURL(/answers=/);
    const violations = await page.evaluate(
      () => (window as unknown as { __csp: string[] }).__csp,
    );
    expect(violations).toEqual([]);
  } else {
    await expect(page).toHaveURL(/answers=/);
  }
  expect(logged).toEqual([]);
});
