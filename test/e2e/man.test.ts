// man/certctl.1 is what the command tree renders today, and it is a page man(1) reads cleanly.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { needs } from "../helpers/needs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PAGE = fileURLToPath(new URL("../../man/certctl.1", import.meta.url));
const GROFF = needs("groff");

describe("man/certctl.1", () => {
  it("is up to date with the command tree", async () => {
    const { manPageText } = (await import(`${ROOT}dist/man.cjs`)) as { manPageText: () => string };
    if (readFileSync(PAGE, "utf8") !== manPageText()) {
      expect.fail("man/certctl.1 differs from the command tree: run `npm run build && npm run man` and commit man/certctl.1");
    }
  });

  it("names every command and the exit codes", () => {
    const page = readFileSync(PAGE, "utf8");
    for (const command of ["issue", "status", "renew", "revoke", "inspect", "completion", "dev-server"]) {
      expect(page).toContain(`.SS certctl ${command.replace(/-/g, "\\-")}`);
    }
    expect(page).toMatch(/\.SH EXIT STATUS[\s\S]*\.B 7\n/);
  });

  it.skipIf(GROFF.missing)(`renders with groff without a warning${GROFF.why}`, () => {
    const result = spawnSync("groff", ["-man", "-ww", "-z", "-Tutf8", PAGE], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const text = execFileSync("groff", ["-man", "-Tutf8", PAGE], { encoding: "utf8" });
    expect(text).toContain("--out-dir");
  });
});
