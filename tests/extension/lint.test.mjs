// `web-ext lint` on the extension folder: no errors (warnings are listed, e.g. Firefox ignoring service_worker).
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, EXT } from "./helpers.mjs";

const WEB_EXT = join(ROOT, "node_modules", ".bin", "web-ext");

test("web-ext lint reports no errors", { skip: existsSync(WEB_EXT) ? false : "web-ext is not installed (npm ci)", timeout: 120000 }, () => {
  const r = spawnSync(WEB_EXT, ["lint", "--source-dir", EXT, "--output", "json", "--no-config-discovery"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WEB_EXT_NO_UPDATE_CHECK: "1" },
  });
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  const errors = report.errors.map((e) => `${e.code} ${e.file || ""}: ${e.message}`);
  assert.deepEqual(errors, []);
  const known = new Set(["BACKGROUND_SERVICE_WORKER_IGNORED"]);
  const warnings = report.warnings.filter((w) => !known.has(w.code)).map((w) => `${w.code} ${w.file || ""}: ${w.message}`);
  assert.deepEqual(warnings, [], "no warnings beyond the expected one");
});
