// Drives Debian's Chromium through tunelab serve's study page, as a user's
// browser would, and prints what it saw as one JSON line: whether the
// history plot, the trials table and the learning curves were drawn, how
// many trials had finished when the page opened and how many later, without
// a reload. Run by tests/serve_test.cpp:
//   node tests/dashboard_browser.mjs URL SCREENSHOT.png SECONDS
import { createRequire } from "node:module";

const require = createRequire(new URL("../framework/serve/web/package.json", import.meta.url));
const puppeteer = require("puppeteer-core");

const [url, screenshot, seconds] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const finished = () => document.querySelectorAll(
  "#trials-table td.state-COMPLETE, #trials-table td.state-PRUNED, #trials-table td.state-FAIL").length;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1500 });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("#trials-table tr[data-trial]", { timeout: 20000 });
  // A mark that a reload would wipe out.
  await page.evaluate(() => { window.openedOnce = true; });
  const before = await page.evaluate(finished);
  let after = before;
  const deadline = Date.now() + 1000 * Number(seconds || 60);
  while (after <= before && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    after = await page.evaluate(finished);
  }
  // The plots are drawn once a trial is complete (uPlot draws on canvas).
  await page.waitForSelector("#history-plot canvas", { timeout: 20000 }).catch(() => {});
  const seen = await page.evaluate(() => ({
    history: document.querySelector("#history-plot canvas") !== null,
    curves: document.querySelector("#curves-plot canvas") !== null,
    table_rows: document.querySelectorAll("#trials-table tr[data-trial]").length,
    reloaded: window.openedOnce !== true,
    title: document.querySelector("h1") ? document.querySelector("h1").textContent : "",
  }));
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(JSON.stringify({ ...seen, finished_before: before, finished_after: after, errors }));
} finally {
  await browser.close();
}
