import { test, expect, Page, Browser } from "@playwright/test";
import { readFileSync } from "node:fs";
import { startServer, tempDatabase } from "./support/server";

// Account self-service (issue 12, point 2), on a server of its own: a learner signed in from two
// browsers sees two sessions, ends the other one (which is signed out at once) and downloads
// their data; an admin issues a password-reset link for a member, who sets a new password with
// it and signs in with that; the admin revokes a pending invitation, whose link then fails.

const PASSWORD = "a long enough passphrase";
const NEW_PASSWORD = "a completely new passphrase";
const CONTENT = "tests/fixtures/valid";

async function fillAccount(page: Page, name: string, email: string) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your email").fill(email);
  await page.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
}

async function signIn(browser: Browser, base: string, email: string, password: string): Promise<Page> {
  const page = await browser.newPage({ baseURL: base });
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/me$/);
  return page;
}

test("sessions, export and an admin's password reset", async ({ browser }) => {
  const db = tempDatabase("self-service");
  const server = await startServer({ db: db.url, content: CONTENT });
  const base = server.base;
  try {
    // An organisation, its admin, and a learner who joins by invitation (first browser).
    const admin = await browser.newPage({ baseURL: base });
    await admin.goto(server.setupPath!);
    await admin.getByLabel("Organisation name").fill("Acme Analytics");
    await fillAccount(admin, "Ada Admin", "ada@acme.test");
    await admin.getByRole("button", { name: "Create organisation" }).click();
    await expect(admin).toHaveURL(/\/admin/);
    await admin.getByLabel("Role", { exact: true }).selectOption("learner");
    await admin.getByRole("button", { name: "Create invitation link" }).click();
    const invite = (await admin.getByTestId("invite-link").textContent())!.trim();
    const laptop = await browser.newPage({ baseURL: base });
    await laptop.goto(invite);
    await fillAccount(laptop, "Lee Learner", "lee@acme.test");
    await laptop.getByRole("button", { name: "Create my account" }).click();
    await expect(laptop).toHaveURL(/\/me$/);

    // The same learner signs in from a second browser: two sessions, this one marked.
    const phone = await signIn(browser, base, "lee@acme.test", PASSWORD);
    await laptop.goto("/account");
    await laptop.getByRole("link", { name: "Where you are signed in" }).click();
    await expect(laptop).toHaveURL(/\/me\/sessions$/);
    await expect(laptop.getByTestId("session")).toHaveCount(2);
    await expect(laptop.locator('[data-testid="session"][data-current="true"]')).toHaveCount(1);
    await expect(laptop.getByTestId("sessions")).toContainText("Chrome on Linux");
    await expect(laptop.getByTestId("sessions")).toContainText("127.0.0.1");

    // Ending the other one (the password again: a stolen session alone cannot do it) signs
    // that browser out at once.
    await laptop.getByLabel(/^End the session on /).check();
    await laptop.getByLabel("Your password, to confirm it is you").fill(PASSWORD);
    await laptop.getByRole("button", { name: "End the chosen session" }).click();
    await expect(laptop.getByText("One session was ended.")).toBeVisible();
    await expect(laptop.getByTestId("session")).toHaveCount(1);
    await phone.goto("/me");
    await expect(phone).toHaveURL(/\/login/);

    // The learner downloads everything stored about them.
    await laptop.goto("/me/data");
    const [download] = await Promise.all([
      laptop.waitForEvent("download"),
      laptop.getByTestId("export-link").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^levelfield-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(data.account.email).toBe("lee@acme.test");
    expect(data.membership.organisation.name).toBe("Acme Analytics");
    expect(data.sessions).toHaveLength(1);
    expect(JSON.stringify(data)).not.toContain("ada@acme.test");

    // The admin issues a reset link for the learner; it is shown once, on the response.
    await admin.goto("/admin");
    await admin.getByRole("link", { name: /^Accounts/ }).click();
    await admin.getByRole("button", { name: "Reset link for Lee Learner" }).click();
    const link = (await admin.getByTestId("reset-link").textContent())!.trim();
    expect(link).toMatch(/^\/reset\?token=[0-9a-f]{64}$/);

    // The learner sets a new password with it: every session of theirs ends.
    const member = await browser.newPage({ baseURL: base });
    await member.goto(link);
    await member.getByLabel("New password (8 to 128 characters)").fill(NEW_PASSWORD);
    await member.getByLabel("New password again").fill(NEW_PASSWORD);
    await member.getByRole("button", { name: "Set password" }).click();
    await expect(member.getByTestId("reset-done")).toBeVisible();
    await laptop.goto("/me");
    await expect(laptop).toHaveURL(/\/login/);

    // The link works once; the new password signs in.
    await member.goto(link);
    await expect(member.getByRole("alert")).toContainText("already been used");
    await signIn(browser, base, "lee@acme.test", NEW_PASSWORD);

    // The admin revokes a pending invitation: its link no longer works.
    await admin.goto("/admin");
    await admin.getByLabel("Role", { exact: true }).selectOption("learner");
    await admin.getByRole("button", { name: "Create invitation link" }).click();
    const spare = (await admin.getByTestId("invite-link").textContent())!.trim();
    await admin.goto("/admin");
    await admin.getByRole("button", { name: /^Revoke the learner invitation/ }).first().click();
    await expect(admin).toHaveURL(/\/admin/);
    await expect(admin.getByRole("button", { name: /^Revoke the learner invitation/ })).toHaveCount(0);
    const stranger = await browser.newPage({ baseURL: base });
    await stranger.goto(spare);
    await expect(stranger.getByRole("alert")).toContainText("expired or has already been used");
  } finally {
    await server.stop();
    db.remove();
  }
});
