import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { runCli, startServer, tempDatabase } from "./support/server";

// The manager's and the learner's view of skills, on the demo organisation: heatmap, drill-down
// to a person's evidence, the talent-shortage roll-up, the CSV, the AI-literacy record, and a
// learner's recommendation.

test("manager heatmap, drill-down, exposure, CSV; learner recommendation", async ({ browser }, testInfo) => {
  const db = tempDatabase("demo");
  const seeded = runCli(["demo"], { db: db.url });
  expect(seeded.status, seeded.stderr).toBe(0);
  const login = (role: string) => seeded.stdout.match(new RegExp(`${role}\\s+(\\S+@\\S+)`))![1];
  const server = await startServer({ db: db.url });
  try {
    const base = server.base;
    const manager = await browser.newPage({ baseURL: base, acceptDownloads: true });
    await manager.goto("/login");
    await manager.getByLabel("Email").fill(login("manager"));
    await manager.getByLabel("Password").fill("levelfield demo");
    await manager.getByRole("button", { name: "Sign in" }).click();
    await manager.getByRole("link", { name: "My teams" }).click();
    await manager.getByRole("link", { name: "Data platform" }).click();
    await manager.getByRole("link", { name: "Skills, gaps and training plan" }).click();
    // By default everyone is measured against their assigned role (the team's: Data engineer).
    await expect(manager.getByRole("heading", { level: 1 })).toContainText("against each person's role");
    await manager.getByLabel("Order people").selectOption("gap");
    await manager.getByRole("button", { name: "Show" }).click();
    const heatmap = manager.getByTestId("heatmap");
    await expect(heatmap).toBeVisible();
    // A cell shows "estimate / target", "?" where the evidence is too thin to say (learner model
    // v2: a 95% range of 3 levels or more is "unknown"; the demo's per-skill banks are small), or
    // "no target" where the person's own role sets none in that skill.
    await expect(heatmap.locator("td.cell").first()).toContainText(/\/|\?|no target/);
    await expect(heatmap).toContainText("Data engineer");
    // The talent-shortage map: exposure per skill, by factor and challenge, its trend, the plan.
    await expect(manager.getByTestId("rollup")).toContainText("of");
    await expect(manager.getByTestId("breakdown")).toContainText("Factor: Talent acquisition and retention");
    const trend = manager.locator("figure.chart svg[role=img]");
    await expect(trend).toBeVisible();
    await expect(manager.locator("figure.chart figcaption")).toContainText("mean gap over time");
    await expect(manager.getByTestId("plan")).toBeVisible();
    await manager.screenshot({ path: testInfo.outputPath(`heatmap-${testInfo.project.name}.png`), fullPage: true });

    // The CSV.
    const [download] = await Promise.all([manager.waitForEvent("download"), manager.getByTestId("csv").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\n")[0]).toBe("team,role,person,skill,estimate,low,high,target,gap,measured,note");
    expect(csv.split("\n").length).toBeGreaterThan(10);
    const [gaps] = await Promise.all([manager.waitForEvent("download"), manager.getByTestId("gaps-csv").click()]);
    const report = readFileSync((await gaps.path())!, "utf8");
    expect(report.split("\n")[0]).toBe(
      "team,person,role,skill,target,estimate,gap,measured,scarcity_weight,weight_source,exposure,closed_best_by,note",
    );
    expect(report).toContain("Data platform,");

    // Drill into a person: the evidence behind each estimate.
    // The last row has the smallest gap: someone with evidence (the manager, first, has none).
    await heatmap.locator("tbody th a").last().click();
    await expect(manager.getByRole("heading", { name: "Skills and the evidence behind them" })).toBeVisible();
    await expect(manager.getByTestId("skills")).toContainText("Answered");

    // The AI-literacy record of the teams the manager manages: evidence, not a claim of
    // compliance; printed without the site's navigation.
    await manager.goto("/teams");
    await manager.getByRole("link", { name: "Data platform" }).click();
    await manager.getByRole("link", { name: "AI-literacy record" }).click();
    await expect(manager.getByRole("heading", { level: 1 })).toHaveText("AI-literacy record");
    await expect(manager.getByTestId("disclaimer")).toContainText("It does not claim legal compliance.");
    await expect(manager.getByTestId("literacy-coverage")).toContainText("All the teams you manage");
    await manager.emulateMedia({ media: "print" });
    await expect(manager.locator("header.site-header")).toBeHidden();
    await expect(manager.getByTestId("csv")).toBeHidden();
    await expect(manager.getByTestId("literacy-people")).toBeVisible();
    await manager.emulateMedia({ media: "screen" });

    // A learner sees what to learn next, and why.
    const learner = await browser.newPage({ baseURL: base });
    await learner.goto("/login");
    await learner.getByLabel("Email").fill(login("learner"));
    await learner.getByLabel("Password").fill("levelfield demo");
    await learner.getByRole("button", { name: "Sign in" }).click();
    await learner.goto("/me/skills");
    await expect(learner.getByText("the role assigned by your organisation")).toBeVisible();
    await expect(learner.getByTestId("recommendations")).toContainText("closes");
    // Self-ratings are saved beside the estimates (a plain form: works without JavaScript).
    await learner.getByLabel("Your own rating of AI literacy").selectOption("3");
    await learner.getByTestId("save-ratings").click();
    await expect(learner.getByLabel("Your own rating of AI literacy")).toHaveValue("3");
  } finally {
    await server.stop();
    db.remove();
  }
});
