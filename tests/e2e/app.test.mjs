// End-to-end tests of the real Vigil desktop app: the built binary, its real window under Xvfb,
// driven over WebDriver, on a fresh temporary data dir so the user's own data is never touched.
//
// Run through `make e2e` (which builds the app and starts Xvfb). VIGIL_APP_BINARY overrides the
// binary; screenshots of every view land in target/e2e-screenshots/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Session, startDriver } from "./webdriver.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.VIGIL_APP_BINARY ?? join(root, "target/debug/vigil-desktop");
const screenshots = join(root, "target/e2e-screenshots");

const VIEWS = ["models", "datasets", "evaluations", "monitoring", "feedback", "audit", "settings"];

// A file drop as the webview receives it. Tauri delivers an event by calling each listener's
// registered callback (`__TAURI_INTERNALS__.runCallback`); the listeners of an event are kept on
// a window object Tauri names at run time, found here by the event they hold. Dispatching
// through them runs the app's real listener code with the payload a real drop carries.
const DROP_LISTENERS = `function (event) {
  for (const name of Object.getOwnPropertyNames(window)) {
    let value;
    try { value = window[name]; } catch { continue; }
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === null && value[event]) {
      return Object.getOwnPropertyNames(value[event]).length;
    }
  }
  return 0;
}`;
const DISPATCH_EVENT = `const [event, payload] = arguments;
for (const name of Object.getOwnPropertyNames(window)) {
  let value;
  try { value = window[name]; } catch { continue; }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === null && value[event]) {
    const listeners = value[event];
    const ids = Object.getOwnPropertyNames(listeners);
    for (const id of ids) {
      window.__TAURI_INTERNALS__.runCallback(listeners[id].handlerId, { event, id: Number(id), payload });
    }
    return ids.length;
  }
}
return 0;`;

/**
 * Evaluates a kit model on a kit dataset through the New evaluation form (opened if it is
 * closed, its fields cleared), waits for the dataset preview to suggest `target` and for the
 * evaluation to be stored and listed; returns the Evaluations list's rows as text.
 */
/**
 * Starts the app on a fresh temporary data dir, with `env` for the WebDriver (and so the app),
 * and waits for its UI. Fills `app` (dataDir, driver, session) as it goes, so that `closeApp`
 * cleans up whatever was started even when a step fails.
 */
async function openApp(app, prefix, env = {}) {
  app.dataDir = mkdtempSync(join(tmpdir(), prefix));
  app.driver = await startDriver(env);
  app.session = await Session.start(app.driver.url, binary, ["--data-dir", app.dataDir]);
  await app.session.waitFor("return document.documentElement.dataset.ready === 'true'", "the UI to be ready");
}

async function closeApp(app) {
  await app.session?.end().catch(() => {});
  await app.driver?.stop();
  if (app.dataDir) rmSync(app.dataDir, { recursive: true, force: true });
}

async function evaluateWithForm(session, model, data, target) {
  await session.click("[data-testid=nav-evaluations]");
  await session.waitFor("return document.querySelectorAll('[data-testid=evaluation-row]').length >= 2", "the demo's evaluations");
  const before = await session.execute("return document.querySelectorAll('[data-testid=evaluation-row]').length");
  // The form may still be open, with the previous test's files, from the test before.
  if (!(await session.execute("return !!document.querySelector('[data-testid=model-path]')"))) {
    await session.click("[data-testid=new-evaluation-toggle]");
  }
  await session.execute(
    "for (const id of ['model-path', 'data-path', 'model-name']) { const e = document.querySelector(`[data-testid=${id}]`); e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true })); }",
  );
  await session.type("[data-testid=model-path]", join(root, "tests/fixtures/kit/models", model));
  await session.type("[data-testid=data-path]", join(root, "tests/fixtures/kit/data", data));
  await session.click("[data-testid=model-name]");
  await session.waitFor(
    `return document.querySelector('[data-testid=target-select]')?.value === ${JSON.stringify(target)}`,
    "the dataset preview to suggest the target column",
  );
  await session.click("[data-testid=evaluate-button]");
  await session.waitFor(
    "return document.querySelector('[data-testid=new-evaluation]')?.textContent.includes('Stored as')",
    "the evaluation to be stored",
    60000,
  );
  await session.waitFor(
    `return document.querySelectorAll('[data-testid=evaluation-row]').length === ${before + 1}`,
    "the new evaluation in the list",
  );
  return session.execute("return [...document.querySelectorAll('[data-testid=evaluation-row]')].map(e => e.textContent)");
}

describe("the desktop app on a fresh data dir", () => {
  const app = {};
  let session;
  let dataDir;

  before(async () => {
    assert.ok(existsSync(binary), `the app binary ${binary} exists (build it with \`make build\`)`);
    mkdirSync(screenshots, { recursive: true });
    await openApp(app, "vigil-e2e-");
    ({ session, dataDir } = app);
  });

  after(() => closeApp(app));

  test("starts on the Models view with the seeded demo model and its versions", async () => {
    await session.waitFor(
      "return document.querySelectorAll('[data-testid=version-row]').length >= 2",
      "the demo model's versions",
    );
    const models = await session.execute(
      "return [...document.querySelectorAll('[data-testid=model-row]')].map(e => e.textContent)",
    );
    assert.equal(models.length, 1);
    assert.match(models[0], /credit-risk/);
    const versions = await session.execute(
      "return [...document.querySelectorAll('[data-testid=version-row]')].map(e => e.textContent)",
    );
    assert.match(versions[0], /^\s*v1/);
    assert.match(versions[1], /^\s*v2/);
    // Each version shows the start of the SHA-256 of its own model file, computed at import.
    for (const [index, file] of ["credit_risk_v1.onnx", "credit_risk_v2.onnx"].entries()) {
      const sha256 = createHash("sha256").update(readFileSync(join(root, "demo/models", file))).digest("hex");
      assert.ok(versions[index].includes(sha256.slice(0, 12)), `v${index + 1} shows ${sha256.slice(0, 12)}`);
      assert.ok(versions[index].includes(file));
    }
  });

  test("the demo was written to the data dir given on the command line", () => {
    assert.ok(existsSync(join(dataDir, "vigil.sqlite3")), "database in the temporary data dir");
    assert.ok(existsSync(join(dataDir, "blobs", "sha256")), "blob folder in the temporary data dir");
  });

  for (const view of VIEWS) {
    test(`the ${view} view opens and is captured`, async () => {
      await session.click(`[data-testid=nav-${view}]`);
      await session.waitFor(
        `return !!document.querySelector('[data-testid=view-${view}]')`,
        `the ${view} view`,
      );
      const current = await session.execute(
        "return document.querySelector('[aria-current=page]')?.dataset.testid",
      );
      assert.equal(current, `nav-${view}`);
      // Let the view's data arrive before the picture is taken.
      await session.waitFor(
        `const v = document.querySelector('[data-testid=view-${view}]');
         return v && !v.querySelector('[aria-busy=true]') && !v.textContent.includes('Loading')`,
        `the ${view} view to finish loading`,
      );
      const error = await session.execute("return document.querySelector('[data-testid=error]')?.textContent ?? null");
      assert.equal(error, null, `the ${view} view shows no error`);
      const png = await session.screenshot();
      assert.ok(png.length > 1000 && png.subarray(1, 4).toString() === "PNG", "a PNG screenshot");
      writeFileSync(join(screenshots, `${view}.png`), png);
    });
  }

  test("the Datasets view shows the demo dataset with its computed profile", async () => {
    await session.click("[data-testid=nav-datasets]");
    const text = await session.waitFor(
      "return document.querySelector('[data-testid=dataset-row]')?.textContent",
      "the dataset row",
    );
    assert.match(text, /credit-applications/);
    assert.match(text, /timestamp/);
  });

  test("the Evaluations view shows the demo's computed evaluations and their details", async () => {
    await session.click("[data-testid=nav-evaluations]");
    await session.waitFor("return document.querySelectorAll('[data-testid=evaluation-row]').length >= 2", "two evaluation rows");
    const rows = await session.execute(
      "return [...document.querySelectorAll('[data-testid=evaluation-row]')].map(e => e.textContent)",
    );
    assert.ok(rows.some((r) => /credit-risk/.test(r) && /v1/.test(r)), rows.join(" / "));
    assert.ok(rows.some((r) => /credit-risk/.test(r) && /v2/.test(r)), rows.join(" / "));
    // Headline metrics are computed numbers, shown with four decimals.
    assert.match(rows.join(" "), /0\.\d{4}/);
    await session.click("[data-testid=evaluation-row]");
    await session.waitFor("return !!document.querySelector('[data-testid=evaluation-detail] [data-testid=metric-table]')", "the metric table");
    await session.waitFor("return !!document.querySelector('[data-testid=confusion-matrix]')", "the confusion matrix");
    await session.waitFor("return !!document.querySelector('[data-testid=fairness]')", "the fairness report");
    // ROC, precision–recall and calibration charts, drawn by the backend as SVG.
    await session.waitFor("return document.querySelectorAll('[data-testid=chart]').length === 3", "three charts");
    const loaded = await session.waitFor(
      "return [...document.querySelectorAll('[data-testid=chart]')].every(i => i.complete && i.naturalWidth > 0)",
      "the charts to render",
    );
    assert.ok(loaded);
    const detail = await session.text("[data-testid=evaluation-detail]");
    assert.match(detail, /accuracy/i);
    assert.match(detail, /sex/);
    writeFileSync(join(screenshots, "evaluation-detail.png"), await session.screenshot());
    await session.execute("document.querySelector('[data-testid=charts]').scrollIntoView()");
    writeFileSync(join(screenshots, "evaluation-charts.png"), await session.screenshot());
  });

  test("the Monitoring view follows the demo week by week and opens a column's drift", async () => {
    await session.click("[data-testid=nav-monitoring]");
    await session.waitFor("return document.querySelectorAll('[data-testid=run-row]').length >= 2", "two monitoring runs");
    const runs = await session.execute(
      "return [...document.querySelectorAll('[data-testid=run-row]')].map(e => e.textContent)",
    );
    assert.ok(runs.some((r) => /credit-risk/.test(r) && /v1/.test(r)), runs.join(" / "));
    assert.ok(runs.some((r) => /credit-risk/.test(r) && /v2/.test(r)), runs.join(" / "));
    await session.waitFor("return !!document.querySelector('[data-testid=monitoring-detail] [data-testid=drift-heatmap]')", "the heatmap");
    // Accuracy, fairness gap and drift share over time, drawn by the backend; 12 weekly windows.
    await session.waitFor(
      "const c = [...document.querySelectorAll('[data-testid=monitoring-detail] [data-testid=chart]')]; return c.length >= 3 && c.every(i => i.complete && i.naturalWidth > 0)",
      "the monitoring charts to render",
    );
    const rows = await session.execute("return document.querySelectorAll('[data-testid=window-row]').length");
    assert.equal(rows, 12);
    // The demo's incomes shift from week 9 on: the heatmap marks income drifted there, not before.
    const marked = await session.execute(
      "return [...document.querySelectorAll('[data-testid=heat-cell][data-column=income]')].map(c => !!c.querySelector('[data-testid=drift-marker]'))",
    );
    assert.deepEqual(marked, [false, false, false, false, false, false, false, false, true, true, true, true]);
    writeFileSync(join(screenshots, "monitoring-detail.png"), await session.screenshot());
    await session.execute("document.querySelector('[data-testid=drift-heatmap]').scrollIntoView()");
    writeFileSync(join(screenshots, "drift-heatmap.png"), await session.screenshot());

    await session.click("[data-testid=heat-cell][data-column=income][data-window='10']");
    await session.waitFor("return !!document.querySelector('[data-testid=drift-cell-detail] [data-testid=cell-statistics]')", "the cell's statistics");
    assert.match(await session.text("[data-testid=cell-verdict]"), /Drifted/);
    assert.match(await session.text("[data-testid=cell-method]"), /Wasserstein distance \(normed\)/);
    assert.match(await session.text("[data-testid=cell-reason]"), /more than 1000/);
    await session.waitFor(
      "const i = document.querySelector('[data-testid=drift-cell-detail] [data-testid=chart]'); return !!i && i.complete && i.naturalWidth > 0",
      "the distribution chart",
    );
    await session.execute("document.querySelector('[data-testid=drift-cell-detail]').scrollIntoView()");
    writeFileSync(join(screenshots, "drift-cell.png"), await session.screenshot());

    // Export: the chart is written to the workspace's exports/ folder and the path is shown.
    await session.click("[data-testid=monitoring-detail] [data-testid=save-svg]");
    const saved = await session.waitFor(
      "return document.querySelector('[data-testid=export-saved]')?.textContent",
      "the saved path",
    );
    const path = saved.replace(/^.*?Saved to\s*/, "").trim();
    assert.ok(path.startsWith(join(dataDir, "exports")), saved);
    assert.match(readFileSync(path, "utf8"), /^<svg/);
  });

  test("the New monitoring form compares a dataset with a reference file and stores the run", async () => {
    await session.click("[data-testid=nav-monitoring]");
    await session.waitFor("return document.querySelectorAll('[data-testid=run-row]').length >= 2", "the demo's runs");
    const before = await session.execute("return document.querySelectorAll('[data-testid=run-row]').length");
    await session.click("[data-testid=new-monitoring]");
    await session.type("[data-testid=monitor-data-path]", join(root, "tests/fixtures/kit/data/credit_current_strong.csv"));
    await session.click("[data-testid=monitor-reference-kind-file]");
    await session.type("[data-testid=monitor-reference-path]", join(root, "tests/fixtures/kit/data/credit_reference.csv"));
    await session.execute(
      "const s = document.querySelector('[data-testid=monitor-window]'); s.value = 'all'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await session.waitFor("return !document.querySelector('[data-testid=monitor-submit]')?.disabled", "the form to be ready");
    await session.click("[data-testid=monitor-submit]");
    await session.waitFor(
      `return document.querySelectorAll('[data-testid=run-row]').length === ${before + 1}`,
      "the new run in the list",
      60000,
    );
    // The new run opens: one window, the whole batch, with the kit's strong drift.
    await session.waitFor(
      "return document.querySelectorAll('[data-testid=monitoring-detail] [data-testid=window-row]').length === 1",
      "the new run's single window",
    );
    const drifted = await session.execute(
      "return document.querySelectorAll('[data-testid=monitoring-detail] [data-testid=drift-marker]').length",
    );
    assert.equal(drifted, 6, "Evidently's default verdicts on the kit's strong batch");
    writeFileSync(join(screenshots, "new-monitoring.png"), await session.screenshot());
  });

  test("a reviewer compares the versions, approves v2 through its gates, rolls back, and the audit log verifies", async () => {
    // Compare v1 (champion) and v2 (challenger) on the demo data, from their stored predictions.
    await session.click("[data-testid=nav-evaluations]");
    await session.waitFor("return !!document.querySelector('[data-testid=compare-toggle]')", "the compare toggle");
    await session.click("[data-testid=compare-toggle]");
    await session.waitFor("return !document.querySelector('[data-testid=compare-run]')?.disabled", "a pair to compare");
    await session.click("[data-testid=compare-run]");
    const mcnemar = await session.waitFor(
      "return document.querySelector('[data-testid=comparison-mcnemar]')?.textContent",
      "McNemar's test",
      30000,
    );
    assert.match(mcnemar, /only the first right/i);
    assert.ok(await session.execute("return !!document.querySelector('[data-testid=comparison-delong]')"), "DeLong's test");
    assert.ok(
      (await session.execute("return document.querySelectorAll('[data-testid=comparison-group]').length")) >= 2,
      "accuracy per group of sex",
    );
    await session.execute("document.querySelector('[data-testid=comparison]').scrollIntoView()");
    writeFileSync(join(screenshots, "comparison.png"), await session.screenshot());

    await session.click("[data-testid=nav-models]");
    await session.waitFor("return document.querySelectorAll('[data-testid=alias-event]').length === 3", "the demo's history");
    // The demo's production is v1 (approved, replaced by v2, rolled back).
    const production = () =>
      session.execute(
        "return [...document.querySelectorAll('[data-testid=version-row]')].findIndex(r => [...r.querySelectorAll('[data-testid=alias-badge]')].some(b => b.textContent.trim() === 'production'))",
      );
    assert.equal(await production(), 0, "v1 in production");
    // Approve v2: the gates pass on its stored evaluation; a comment is required.
    await session.execute("document.querySelectorAll('[data-testid=approve-version]')[1].click()");
    await session.waitFor("return document.querySelector('[data-testid=approve-dialog] [data-testid=gate-report]')?.dataset.passed === 'true'", "v2's passing gate report");
    assert.equal(await session.execute("return !!document.querySelector('[data-testid=approve-override]')"), false, "no override asked when the gates pass");
    await session.type("[data-testid=approve-comment]", "Re-checked on weeks 9-12: accuracy 0.85, equalized odds 0.05.");
    await session.click("[data-testid=approve-confirm]");
    await session.waitFor("return document.querySelectorAll('[data-testid=alias-event]').length === 4", "the approval in the history");
    await session.waitFor(
      "return [...document.querySelectorAll('[data-testid=version-row]')][1].textContent.includes('production')",
      "v2 in production",
    );
    writeFileSync(join(screenshots, "approved.png"), await session.screenshot());
    // Roll back, with a reason.
    await session.click("[data-testid=rollback]");
    await session.type("[data-testid=rollback-reason]", "Complaints from the call centre about week 13.");
    await session.click("[data-testid=rollback-confirm]");
    await session.waitFor("return document.querySelectorAll('[data-testid=alias-event]').length === 5", "the rollback in the history");
    await session.waitFor(
      "return [...document.querySelectorAll('[data-testid=version-row]')][0].textContent.includes('production')",
      "v1 back in production",
    );
    writeFileSync(join(screenshots, "rolled-back.png"), await session.screenshot());
    // Every step is in the audit log, and the chain verifies.
    await session.click("[data-testid=nav-audit]");
    await session.click("[data-testid=verify-audit]");
    const verification = await session.waitFor(
      "return document.querySelector('[data-testid=audit-verification]')?.textContent",
      "the verification",
    );
    assert.match(verification, /Intact/);
    const audit = await session.text("[data-testid=view-audit]");
    for (const action of ["alias.promote", "alias.rollback", "gate.policy", "feedback.add"]) {
      assert.ok(audit.includes(action), `${action} in the audit view`);
    }
    writeFileSync(join(screenshots, "audit-verified.png"), await session.screenshot());
  });

  test("three predictions are annotated from the keyboard and re-score the version", async () => {
    await session.click("[data-testid=nav-feedback]");
    await session.waitFor("return document.querySelectorAll('[data-testid=prediction-row]').length >= 3", "the first page of predictions");
    const before = await session.waitFor(
      "return document.querySelector('[data-testid=feedback-performance]')?.textContent",
      "the feedback performance",
    );
    await session.click("[data-testid=prediction-row][data-row='1'] [data-testid=cell-row]");
    await session.type("[data-testid=prediction-grid]", "cjxj2");
    const cell = (row, name) =>
      session.execute(`return document.querySelector("[data-testid=prediction-row][data-row='${row}'] [data-testid=${name}]")?.textContent.trim()`);
    await session.waitFor(
      "return document.querySelector(\"[data-testid=prediction-row][data-row='3'] [data-testid=cell-feedback-label]\")?.textContent.trim() === '1'",
      "the third row's label",
    );
    assert.equal(await cell(1, "cell-verdict"), "correct");
    assert.equal(await cell(2, "cell-verdict"), "incorrect");
    for (const row of [1, 2, 3]) {
      assert.ok((await cell(row, "cell-author")).length > 0, `row ${row} has an author`);
    }
    const after = await session.waitFor(
      `const t = document.querySelector('[data-testid=feedback-performance]')?.textContent; return t && t !== ${JSON.stringify(before)} ? t : null`,
      "the re-scored performance",
    );
    assert.match(after, /feedback-labelled rows/);
    // The demo's three annotations and these three, all counted once every refresh is in.
    await session.waitFor(
      "return document.querySelector('[data-testid=feedback-annotations]')?.textContent.includes('6 annotations')",
      "all six annotations counted",
    );
    writeFileSync(join(screenshots, "feedback.png"), await session.screenshot());
  });

  test("two versions imported and evaluated from the desktop compare row by row", async () => {
    await session.click("[data-testid=nav-evaluations]");
    await session.waitFor("return document.querySelectorAll('[data-testid=evaluation-row]').length >= 2", "the demo's evaluations");
    for (const model of ["credit_gbm.onnx", "credit_rf.onnx"]) {
      const before = await session.execute("return document.querySelectorAll('[data-testid=evaluation-row]').length");
      if (!(await session.execute("return !!document.querySelector('[data-testid=model-path]')"))) {
        await session.click("[data-testid=new-evaluation-toggle]");
      }
      await session.execute(
        "for (const id of ['model-path', 'data-path', 'model-name']) { const e = document.querySelector(`[data-testid=${id}]`); e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true })); }",
      );
      await session.type("[data-testid=model-path]", join(root, "tests/fixtures/kit/models", model));
      await session.type("[data-testid=data-path]", join(root, "tests/fixtures/kit/data/credit_current_none.csv"));
      // Both files become versions of one model (the name would default to the file's).
      await session.execute(
        "const e = document.querySelector('[data-testid=model-name]'); e.value = 'credit-kit'; e.dispatchEvent(new Event('input', { bubbles: true }));",
      );
      await session.waitFor(
        "return document.querySelector('[data-testid=target-select]')?.value === 'default'",
        "the target guessed from the preview",
      );
      await session.execute(
        "const box = [...document.querySelectorAll('[data-testid=sensitive-option]')].find(b => b.value === 'sex'); if (!box.checked) box.click();",
      );
      await session.click("[data-testid=evaluate-button]");
      await session.waitFor(
        `return document.querySelectorAll('[data-testid=evaluation-row]').length === ${before + 1}`,
        `the evaluation of ${model}`,
        60000,
      );
    }
    // Compare the two new versions (v1 gradient boosting, v2 random forest) on the same rows.
    if (!(await session.execute("return !!document.querySelector('[data-testid=compare-first]')"))) {
      await session.click("[data-testid=compare-toggle]");
    }
    const newest = await session.execute(
      "return [...document.querySelectorAll('[data-testid=compare-first] option')].map(o => Number(o.value)).sort((a, b) => b - a).slice(0, 2)",
    );
    await session.execute(
      `const pick = (id, v) => { const s = document.querySelector('[data-testid=' + id + ']'); s.value = String(v); s.dispatchEvent(new Event('change', { bubbles: true })); };
       pick('compare-first', ${newest[1]}); pick('compare-second', ${newest[0]});`,
    );
    await session.click("[data-testid=compare-run]");
    const models = await session.waitFor(
      "return document.querySelector('[data-testid=comparison-models]')?.textContent",
      "the comparison of the two imported versions",
      30000,
    );
    assert.match(models, /credit-kit v1/);
    assert.match(models, /credit-kit v2/);
    assert.ok(await session.execute("return !!document.querySelector('[data-testid=comparison-mcnemar]')"));
    writeFileSync(join(screenshots, "comparison-imported.png"), await session.screenshot());
  });

  test("a model and a dataset given to the New evaluation form are evaluated and stored", async () => {
    const rows = await evaluateWithForm(session, "breast_cancer_logreg.onnx", "breast_cancer.csv", "target");
    assert.ok(rows.some((r) => /breast_cancer_logreg/.test(r)), rows.join(" / "));
    writeFileSync(join(screenshots, "new-evaluation.png"), await session.screenshot());
  });

  test("a model and a dataset dropped on the window are evaluated, charted, and re-run on request", async () => {
    const model = join(root, "tests/fixtures/kit/models/credit_gbm.onnx");
    const data = join(root, "tests/fixtures/kit/data/credit_current_none.csv");
    // Remount the form so that it registers its drop listeners afresh.
    await session.click("[data-testid=nav-models]");
    await session.click("[data-testid=nav-evaluations]");
    await session.waitFor(`return (${DROP_LISTENERS})('tauri://drag-drop') > 0`, "the form's drop listener");
    await session.waitFor("return document.querySelectorAll('[data-testid=evaluation-row]').length >= 3", "the stored evaluations");
    const before = await session.execute("return document.querySelectorAll('[data-testid=evaluation-row]').length");
    const drop = async () => {
      const position = { x: 200, y: 200 };
      assert.ok((await session.execute(DISPATCH_EVENT, ["tauri://drag-enter", { paths: [model, data], position }])) > 0);
      assert.ok((await session.execute(DISPATCH_EVENT, ["tauri://drag-drop", { paths: [data, model], position }])) > 0);
      await session.waitFor(
        `return document.querySelector('[data-testid=model-path]')?.value === ${JSON.stringify(model)} && document.querySelector('[data-testid=data-path]')?.value === ${JSON.stringify(data)}`,
        "the dropped files in the form",
      );
      await session.waitFor(
        "return document.querySelector('[data-testid=target-select]')?.value === 'default'",
        "the dataset preview to suggest the target column",
      );
    };
    await drop();
    assert.equal(await session.execute("return document.querySelector('[data-testid=model-name]').value"), "credit_gbm");
    await session.click("[data-testid=evaluate-button]");
    await session.waitFor(
      "return document.querySelector('[data-testid=evaluate-stored]')?.textContent.includes('credit_gbm')",
      "the evaluation to be stored",
      60000,
    );
    await session.waitFor(
      `return document.querySelectorAll('[data-testid=evaluation-row]').length === ${before + 1}`,
      "the new evaluation in the list",
    );
    // The stored evaluation opens: its metric table and its three charts.
    await session.waitFor(
      "return document.querySelector('[data-testid=evaluation-detail]')?.textContent.includes('credit_gbm') && !!document.querySelector('[data-testid=evaluation-detail] [data-testid=metric-table]')",
      "the new evaluation's metric table",
    );
    await session.waitFor(
      "return [...document.querySelectorAll('[data-testid=chart]')].length === 3 && [...document.querySelectorAll('[data-testid=chart]')].every(i => i.complete && i.naturalWidth > 0)",
      "the ROC, precision–recall and calibration charts",
    );
    const detail = await session.text("[data-testid=evaluation-detail]");
    assert.match(detail, /roc.auc/i);
    writeFileSync(join(screenshots, "dropped-evaluation.png"), await session.screenshot());
    await session.execute("document.querySelector('[data-testid=evaluation-detail] [data-testid=metric-table]').scrollIntoView()");
    writeFileSync(join(screenshots, "dropped-evaluation-metrics.png"), await session.screenshot());
    await session.execute("document.querySelector('[data-testid=charts]').scrollIntoView()");
    writeFileSync(join(screenshots, "dropped-evaluation-charts.png"), await session.screenshot());

    // The same files again: the stored result comes back at once, and Run again computes anew.
    await drop();
    await session.click("[data-testid=evaluate-button]");
    await session.waitFor("return !!document.querySelector('[data-testid=evaluate-cached]')", "the cached note");
    assert.equal(
      await session.execute("return document.querySelectorAll('[data-testid=evaluation-row]').length"),
      before + 1,
      "a cached result stores nothing new",
    );
    await session.click("[data-testid=evaluate-rerun]");
    await session.waitFor(
      `return document.querySelectorAll('[data-testid=evaluation-row]').length === ${before + 2}`,
      "the re-run stored beside the first",
      60000,
    );
  });

  test("the Audit view lists the imports that seeded the demo", async () => {
    await session.click("[data-testid=nav-audit]");
    await session.waitFor("return document.querySelectorAll('[data-testid=audit-row]').length >= 4", "audit rows");
    const text = await session.text("[data-testid=view-audit]");
    assert.match(text, /model_version\.import/);
    assert.match(text, /workspace\.demo_seeded/);
    assert.match(text, /evaluation\.complete/);
  });

  test("the Settings view reports the data dir in use", async () => {
    await session.click("[data-testid=nav-settings]");
    await session.waitFor(
      `return document.querySelector('[data-testid=view-settings]')?.textContent.includes(${JSON.stringify(dataDir)})`,
      "the data dir on the Settings view",
    );
  });

  test("a command the window was not granted is refused", async () => {
    const outcome = await session.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' })
         .then(() => done('allowed'), (e) => done('refused: ' + String(e)));`,
    );
    assert.match(outcome, /^refused: /);
    // The window is still there and still answers its own commands.
    const models = await session.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('list_models').then((m) => done(m.length), (e) => done(String(e)));`,
    );
    assert.ok(Number.isInteger(models) && models >= 1, `list_models answered ${models}`);
  });
});

describe("the desktop app streaming every dataset and asked for the GPU (VIGIL_STREAM_MIN_BYTES=0, VIGIL_DEVICE=gpu)", () => {
  const app = {};
  let session;

  before(async () => {
    // Every file counts as large: the demo's evaluations and the form's are streamed.
    // The GPU: models run there when this build and machine have one, and on the CPU, with
    // the reason shown in Settings, when not (CI builds without GPU support).
    await openApp(app, "vigil-e2e-stream-", { VIGIL_STREAM_MIN_BYTES: "0", VIGIL_DEVICE: "gpu" });
    ({ session } = app);
  });

  after(() => closeApp(app));

  test("a dataset is scanned, streamed through the model and stored", async () => {
    const rows = await evaluateWithForm(session, "credit_gbm.onnx", "credit.csv", "default");
    assert.ok(rows.some((r) => /credit_gbm/.test(r)), rows.join(" / "));
  });

  test("Settings says which device runs the models, and why not the GPU when it cannot", async () => {
    await session.click("[data-testid=nav-settings]");
    await session.waitFor("return !!document.querySelector('[data-testid=setting-device]')", "the device setting");
    const device = (await session.text("[data-testid=setting-device]")).trim();
    if (device.startsWith("gpu:")) return;
    assert.match(device, /^cpu/);
    const fallback = await session.text("[data-testid=setting-device-fallback]");
    assert.match(fallback, /the GPU was asked for, but .+; running on the CPU/);
  });
});

describe("the desktop app on an unusable data dir", () => {
  test("exits with a clear message instead of opening a broken window", () => {
    assert.ok(existsSync(binary), `the app binary ${binary} exists`);
    const blocker = mkdtempSync(join(tmpdir(), "vigil-e2e-bad-"));
    const file = join(blocker, "not-a-folder");
    writeFileSync(file, "x");
    try {
      const run = spawnSync(binary, ["--data-dir", join(file, "data")], { encoding: "utf8", timeout: 30000 });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /cannot open the workspace/);
    } finally {
      rmSync(blocker, { recursive: true, force: true });
    }
  });
});
