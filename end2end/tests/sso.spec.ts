import { test, expect } from "@playwright/test";
import { startServer, tempDatabase } from "./support/server";
import { startProvider } from "./support/oidc";

// Single sign-on (issue 13) on a server of its own, against a real OpenID provider (npm
// oidc-provider, started here): the admin switches sign-on on through the admin page (which
// checks the provider's discovery document), a learner types their work address on /login,
// signs in through the provider's own pages and lands on their learning page as a new member;
// signing out sends them on to the provider's sign-out.

const PASSWORD = "a long enough passphrase";
const CONTENT = "tests/fixtures/valid";

test("an admin switches single sign-on on and a learner signs in with it", async ({ browser }) => {
  const db = tempDatabase("sso");
  const server = await startServer({ db: db.url, content: CONTENT });
  const idp = await startProvider(server.base, {
    "sub-lee": { email: "lee@acme.test", name: "Lee Learner", groups: ["analysts"] },
  });
  try {
    const admin = await browser.newPage({ baseURL: server.base });
    await admin.goto(server.setupPath!);
    await admin.getByLabel("Organisation name").fill("Acme Analytics");
    await admin.getByLabel("Your name").fill("Ada Admin");
    await admin.getByLabel("Your email").fill("ada@acme.test");
    await admin.getByLabel("Password (8 to 128 characters)").fill(PASSWORD);
    await admin.getByLabel("Password again").fill(PASSWORD);
    await admin.getByRole("button", { name: "Create organisation" }).click();
    await expect(admin).toHaveURL(/\/admin/);
    await admin.getByLabel("New team").fill("Analysts");
    await admin.getByRole("button", { name: "Add team" }).click();

    await admin.getByRole("link", { name: "Single sign-on" }).click();
    await expect(admin).toHaveURL(/\/admin\/sso$/);
    await expect(admin.getByTestId("redirect-uri")).toHaveText(`${server.base}/login/sso/callback`);
    await admin.getByLabel(/^Issuer URL/).fill(idp.issuer);
    await admin.getByLabel("Client ID").fill(idp.clientId);
    await admin.getByLabel("Client secret").fill(idp.clientSecret);
    await admin.getByLabel(/^Allowed email domains/).fill("acme.test");
    await admin.getByLabel(/^Groups claim/).fill("groups");
    await admin.getByLabel(/^Group to team mapping/).fill("analysts=Analysts");
    await admin.getByLabel("Switched on").check();
    await admin.getByRole("button", { name: "Save and check the provider" }).click();
    await expect(admin.getByRole("status")).toContainText("The settings were saved");

    // The learner: their work address, then their organisation's sign-in, at the provider.
    const lee = await browser.newPage({ baseURL: server.base });
    await lee.goto("/login");
    await lee.getByLabel(/^Work address/).fill("lee@acme.test");
    await lee.getByRole("button", { name: "Continue" }).click();
    await lee.getByRole("link", { name: "Sign in with Acme Analytics" }).click();
    await expect(lee).toHaveURL(new RegExp(`^${idp.issuer.replace(/[.:/]/g, "\\$&")}/interaction/`));
    await expect(lee.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
    await lee.getByRole("button", { name: "Sign in to the provider" }).click();
    await expect(lee).toHaveURL(`${server.base}/me`);
    await expect(lee.locator("body")).toContainText("Lee Learner");

    // The admin sees the new member, linked, and the sign-in in the activity log.
    await admin.goto("/admin/sso");
    await expect(admin.locator("#members")).toContainText("lee@acme.test");
    await expect(admin.locator("#members")).toContainText("sub-lee");
    await admin.goto("/admin/activity");
    await expect(admin.locator("body")).toContainText("Joined at their first single sign-on");

    // Signing out also signs out at the provider (its confirmation page).
    // The provider may confirm at once and send the browser back to Levelfield, so the test
    // waits for the visit to its end-session endpoint rather than for a page that stays.
    const ended = lee.waitForRequest((r) => r.url().startsWith(`${idp.issuer}/session/end`));
    await lee.getByRole("button", { name: /sign out/i }).click();
    await ended;
    await lee.goto(`${server.base}/me`);
    await expect(lee).toHaveURL(/\/login/);
  } finally {
    await idp.stop();
    await server.stop();
    db.remove();
  }
});
