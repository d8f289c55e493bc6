// Issue 12's lifecycle matrix: every key source × subject × profile goes through its whole life
// (cases/lifecycle-matrix.ts lists which steps each combination runs), with certctl's main()
// in-process against in-process dev servers. After every step: the exit code, the file set
// (openssl), certctl.json, the hooks' runs and what the dev server received.
//
// Two dev servers (one renews CSR-issued certificates, one refuses to); each cell reaches its
// server through its own counting proxy (helpers/lifecycle.ts startCellLink), so the cells run
// side by side and each still sees exactly what it sent. The last test checks that the proxies'
// counts add up to the servers' own counters.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import type { CliResult } from "../helpers/cli.js";
import { fixtureKeyPath } from "../helpers/fixture-keys.js";
import {
  ROUTE, asLinkKeys, certSans, chainChecks, expectChainsVerify, certSerial, certSubject, expectCompleteSet, expectKeySharedWithGroup, expectMetaMatchesCert, hookRuns, opensslCsr,
  opensslEcKey, pendingIds, readMeta, requestsSent, sentBy, shareKeyWithGroup, startCellLink, writeHookScript, type CellLink, type ChainChecks, type HookRun, type Metadata,
} from "../helpers/lifecycle.js";
import { devStats, startLocalDevServer } from "../helpers/local-devserver.js";
import { runMain } from "../helpers/run-main.js";
import { matrix, type Cell, type KeySource, type ServerName, type Step, type SubjectCase } from "./cases/lifecycle-matrix.js";

const CELL_TIMEOUT_MS = 600_000;

interface Server {
  server: RunningDevServer;
  env: Record<string, string>;
  url: string;
  profile(slug: string): string;
  /** Every cell's link to this server, for the final count check. */
  links: CellLink[];
}

let work: string;
let hookScript: string;
let ecKey: string;
const servers = {} as Record<ServerName, Server>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-matrix-"));
  hookScript = join(work, "hook.sh");
  writeHookScript(hookScript);
  ecKey = join(work, "fixture-ec.pem");
  await opensslEcKey(ecKey);
  const start = async (overrides: Parameters<typeof startLocalDevServer>[0]): Promise<Server> => {
    const { server, env } = await startLocalDevServer(overrides);
    return {
      server, env, url: server.info.url, links: [],
      profile: (slug) => server.info.profiles.find((p) => p.slug === slug)!.id,
    };
  };
  [servers.accept, servers.refuse] = await Promise.all([start({}), start({ csrRenewal: "refuse", backdateMs: 25 * 86_400_000 })]);
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).flatMap((s) => s.links.map((link) => link.close())));
  await Promise.all(Object.values(servers).map((s) => s?.server.close()));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Everything one cell carries from step to step. */
interface CellState {
  cell: Cell;
  srv: Server;
  /** The cell's own way to srv: INFISICAL_DOMAIN points here, and it counts what the cell sent. */
  link: CellLink;
  env: Record<string, string>;
  dir: string;
  /** Every set installed so far, for one `openssl verify` at the end of the cell. */
  chains: ChainChecks;
  /** The key the certificate must carry: key.pem, or the key behind a --csr. */
  keyFile: string | undefined;
  hookLog: string;
  /** The request behind the certificate on disk. */
  requestId?: string;
  meta?: Metadata;
}

function cli(state: CellState, argv: string[]): Promise<CliResult> {
  return runMain(argv, { cwd: work, env: state.env });
}

function hook(state: CellState, role: string): string {
  return `'${hookScript}' ${role} '${state.hookLog}'`;
}

const SUBJECT_FLAGS: Record<SubjectCase, string[]> = {
  "cn+sans": ["--cn", "life.example.com", "--dns", "life.example.com", "--dns", "www.life.example.com"],
  "san-only": ["--dns", "san.example.com", "--ip", "192.0.2.7"],
  "cn-only": ["--cn", "cn.example.com"],
};
const CSR_SUBJECT: Record<SubjectCase, { subj: string; sans: string[] }> = {
  "cn+sans": { subj: "/CN=life.example.com", sans: ["DNS:life.example.com", "DNS:www.life.example.com"] },
  "san-only": { subj: "/", sans: ["DNS:san.example.com", "IP:192.0.2.7"] },
  "cn-only": { subj: "/CN=cn.example.com", sans: [] },
};
/** What the certificate says, as openssl prints it. A CN given by flag is also a SAN (issue 12 item 6); a CSR is sent as it is. */
function expectedNames(key: KeySource, subject: SubjectCase): { subject: string; sans: string[] } {
  const csr = key.startsWith("csr-");
  switch (subject) {
    case "cn+sans": return { subject: "CN=life.example.com", sans: ["DNS:life.example.com", "DNS:www.life.example.com"] };
    case "san-only": return { subject: "", sans: ["DNS:san.example.com", "IP Address:192.0.2.7"] };
    case "cn-only": return { subject: "CN=cn.example.com", sans: csr ? [] : ["DNS:cn.example.com"] };
  }
}

const MODE: Record<KeySource, string> = {
  "local-ec": "local-key", "local-rsa": "local-key", "key-ec": "local-key", "key-rsa": "local-key", "csr-ec": "csr", "csr-rsa": "csr", "server-keygen": "server-keygen",
};

function sourceKeyFile(key: KeySource): string | undefined {
  if (key === "key-ec" || key === "csr-ec") return ecKey;
  if (key === "key-rsa" || key === "csr-rsa") return fixtureKeyPath("rsa-2048");
  return undefined;
}

async function issueArgv(state: CellState, profileId: string): Promise<string[]> {
  const { key, subject } = state.cell;
  const argv = ["issue", "--profile", profileId, "--ttl", "30d", "--out-dir", state.dir, "--deploy-hook", hook(state, "deploy"), "--json"];
  if (key.startsWith("csr-")) {
    const csrFile = join(state.dir, "..", `${state.dir.split("/").pop()}.csr`);
    await opensslCsr(sourceKeyFile(key)!, csrFile, CSR_SUBJECT[subject].subj, CSR_SUBJECT[subject].sans);
    return [...argv, "--csr", csrFile];
  }
  argv.push(...SUBJECT_FLAGS[subject]);
  if (key === "local-rsa") argv.push("--key-algorithm", "RSA_2048");
  if (key === "key-ec" || key === "key-rsa") argv.push("--key", sourceKeyFile(key)!);
  if (key === "server-keygen") argv.push("--server-keygen");
  return argv;
}

function profileSlug(cell: Cell): string {
  return cell.profile.split("/")[0]!;
}

/** The file set, certctl.json and the names after any step that installed a certificate. */
function expectInstalled(state: CellState, step: Step): Metadata {
  const { key, subject } = state.cell;
  const keyFile = MODE[key] === "csr" ? sourceKeyFile(key) : join(state.dir, "key.pem");
  expectCompleteSet(state.dir, keyFile, state.chains, step);
  if (MODE[key] === "csr") expect(existsSync(join(state.dir, "key.pem")), "a --csr directory holds no key").toBe(false);
  const meta = expectMetaMatchesCert(state.dir);
  expect(meta.mode).toBe(MODE[key]);
  expect(meta.deployHook).toBe(hook(state, "deploy"));
  if (MODE[key] === "csr") expect(meta.csr).toContain("BEGIN CERTIFICATE REQUEST");
  const names = expectedNames(key, subject);
  expect(certSubject(join(state.dir, "cert.pem"))).toBe(names.subject);
  expect(certSans(join(state.dir, "cert.pem"))).toEqual(names.sans);
  expect(pendingIds(state.dir), "no request left outstanding").toEqual([]);
  state.keyFile = keyFile;
  state.meta = meta;
  return meta;
}

function renewResult(res: CliResult): Record<string, unknown> {
  const doc = JSON.parse(res.stdout) as Array<Record<string, unknown>>;
  expect(doc).toHaveLength(1);
  return doc[0]!;
}

/** The deploy hook saw the new set; pre and post ran once each around it; no run saw a secret. */
function expectRenewHooks(state: CellState, runs: HookRun[]): void {
  expect(runs.map((r) => r.role)).toEqual(["pre", "deploy", "post"]);
  for (const run of runs) expect(run.secret, `${run.role} hook sees no client secret`).toBe("no");
  const deploy = runs[1]!.vars;
  expect(deploy.CERTCTL_DIR).toBe(state.dir);
  expect(deploy.CERTCTL_CERT_FILE).toBe(join(state.dir, "cert.pem"));
  expect(deploy.CERTCTL_CHAIN_FILE).toBe(join(state.dir, "chain.pem"));
  expect(deploy.CERTCTL_FULLCHAIN_FILE).toBe(join(state.dir, "fullchain.pem"));
  expect(deploy.CERTCTL_KEY_FILE).toBe(MODE[state.cell.key] === "csr" ? "" : join(state.dir, "key.pem"));
  expect(BigInt(`0x${deploy.CERTCTL_SERIAL}`)).toBe(certSerial(join(state.dir, "cert.pem")));
  expect(new Date(deploy.CERTCTL_NOT_AFTER!).toISOString()).toBe(new Date(String(readMeta(state.dir).notAfter)).toISOString());
}

function newHookRuns(state: CellState, seenBefore: number): HookRun[] {
  return hookRuns(state.hookLog).slice(seenBefore);
}

function hookArgs(state: CellState): string[] {
  return ["--pre-hook", hook(state, "pre"), "--post-hook", hook(state, "post")];
}

async function decide(srv: Server, requestId: string, verdict: "approve" | "reject"): Promise<void> {
  const res = await fetch(`${srv.url}/api/v1/dev/certificate-requests/${requestId}/${verdict}`, { method: "POST" });
  expect(res.status, `${verdict} ${requestId}`).toBe(200);
}

function pendingRequestId(res: CliResult): string {
  const doc = JSON.parse(res.stdout) as { error?: { certificateRequestId?: string } };
  const id = doc.error?.certificateRequestId;
  expect(id, res.stdout).toMatch(/^[0-9a-f-]{36}$/);
  return id!;
}

/** issue --no-wait on the approval profile: exit 5, one request, its record kept, nothing installed. */
async function issuePending(state: CellState): Promise<string> {
  const { result: res, sent } = await sentBy(state.link, async () => cli(state, [...await issueArgv(state, state.srv.profile("approval")), "--no-wait"]));
  expect(res.code, res.stderr).toBe(5);
  expect(requestsSent(sent)).toEqual({ [ROUTE.create]: 1 });
  const id = pendingRequestId(res);
  expect(pendingIds(state.dir)).toEqual([id]);
  expect(existsSync(join(state.dir, "cert.pem"))).toBe(false);
  return id;
}

const STEP: Record<Step, (state: CellState) => Promise<void>> = {
  async issue(state) {
    if (state.cell.profile === "approval/approve") {
      const id = await issuePending(state);
      await decide(state.srv, id, "approve");
      const { result: res, sent } = await sentBy(state.link, () => cli(state, ["status", id, "--out-dir", state.dir, "--json"]));
      expect(res.code, res.stderr).toBe(0);
      expect(requestsSent(sent)).toEqual({});
      state.requestId = id;
    } else {
      const { result: res, sent } = await sentBy(state.link, async () => cli(state, await issueArgv(state, state.srv.profile(profileSlug(state.cell)))));
      expect(res.code, res.stderr).toBe(0);
      expect(requestsSent(sent)).toEqual({ [ROUTE.create]: 1 });
      const doc = JSON.parse(res.stdout) as { certificateRequestId: string; serialNumber: string };
      expect(BigInt(`0x${doc.serialNumber}`)).toBe(certSerial(join(state.dir, "cert.pem")));
      state.requestId = doc.certificateRequestId;
    }
    const meta = expectInstalled(state, "issue");
    expect(meta.certificateRequestId).toBe(state.requestId);
    expect(meta.lineage).toBeUndefined();
    const source = sourceKeyFile(state.cell.key);
    if (source && state.cell.key.startsWith("key-")) expect(readFileSync(join(state.dir, "key.pem"), "utf8")).toBe(readFileSync(source, "utf8"));
    expect(hookRuns(state.hookLog), "issue records the deploy hook; renew runs it").toEqual([]);
  },

  async "issue-rejected"(state) {
    const id = await issuePending(state);
    await decide(state.srv, id, "reject");
    const { result: res, sent } = await sentBy(state.link, () => cli(state, ["status", id, "--out-dir", state.dir]));
    expect(res.code, res.stdout + res.stderr).toBe(4);
    expect(res.stderr).toMatch(/rejected/);
    expect(requestsSent(sent)).toEqual({});
    expect(pendingIds(state.dir), "a rejected request's record and key are cleaned up").toEqual([]);
    expect(readdirSync(state.dir).filter((n) => n !== ".certctl")).toEqual([]);
  },

  async "issue-left-pending"(state) {
    const id = await issuePending(state);
    const status = await sentBy(state.link, () => cli(state, ["status", id, "--out-dir", state.dir, "--json"]));
    expect(status.result.code).toBe(5);
    expect(JSON.parse(status.result.stdout)).toMatchObject({ status: "pending_approval", certificateRequestId: id });
    expect(requestsSent(status.sent)).toEqual({});
    // A cron line's renew over this directory must not send another request while one is outstanding.
    // It names the pending request, not `certctl issue` (which would send a second one).
    const renew = await sentBy(state.link, () => cli(state, ["renew", state.dir]));
    expect(renew.result.code).toBe(7);
    expect(renew.result.stdout + renew.result.stderr).toContain(`certctl status ${id} --out-dir`);
    expect(renew.result.stdout + renew.result.stderr).not.toContain("Run certctl issue");
    expect(renew.sent).toEqual({});
    expect(pendingIds(state.dir)).toEqual([id]);
    // Nor may a second issue into the directory: at most one outstanding request per directory.
    const again = await sentBy(state.link, async () => cli(state, [...await issueArgv(state, state.srv.profile("approval")), "--no-wait"]));
    expect(again.result.code, again.result.stderr).toBe(7);
    expect(again.result.stderr).toContain(`certctl status ${id} --out-dir`);
    expect(again.sent, "a second issue while one is pending sends nothing").toEqual({});
    expect(pendingIds(state.dir)).toEqual([id]);
    expect(existsSync(join(state.dir, "cert.pem"))).toBe(false);
  },

  async inspect(state) {
    const res = await cli(state, ["inspect", join(state.dir, "cert.pem"), "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as { certificates: Array<{ serialNumber: string; altNames: string[] }> };
    expect(doc.certificates).toHaveLength(1);
    expect(BigInt(`0x${doc.certificates[0]!.serialNumber.replace(/:/g, "")}`)).toBe(certSerial(join(state.dir, "cert.pem")));
    expect(doc.certificates[0]!.altNames).toHaveLength(expectedNames(state.cell.key, state.cell.subject).sans.length);
  },

  async "renew-not-due"(state) {
    const hooksBefore = hookRuns(state.hookLog).length;
    const files = snapshot(state.dir);
    const { result: res, sent } = await sentBy(state.link, () => cli(state, ["renew", state.dir, "--json", ...hookArgs(state)]));
    expect(res.code, res.stderr).toBe(0);
    expect(renewResult(res)).toMatchObject({ status: "not-due", certificateId: state.meta!.certificateId });
    expect(sent, "nothing due: not even a login").toEqual({});
    expect(newHookRuns(state, hooksBefore), "no hook runs when nothing renewed").toEqual([]);
    expect(snapshot(state.dir)).toEqual(files);
  },

  async "renew-due"(state) {
    const refused = state.cell.server === "refuse";
    const previous = readMeta(state.dir);
    if (state.keyFile && MODE[state.cell.key] !== "csr") shareKeyWithGroup(state.keyFile);
    const hooksBefore = hookRuns(state.hookLog).length;
    // The refusing server backdates, so its certificates are due by the clock; elsewhere the operator's threshold makes it due.
    const due = refused ? [] : ["--renew-before", "31d"];
    const { result: res, sent } = await sentBy(state.link, () => cli(state, ["renew", state.dir, "--json", ...due, ...hookArgs(state)]));
    expect(res.code, res.stderr).toBe(0);
    const result = renewResult(res);
    expect(result).toMatchObject({ status: "renewed", previousCertificateId: previous.certificateId, method: refused ? "reissue" : "renew" });
    if (refused) expect(String(result.fallbackReason)).toMatch(/HTTP 403: Certificate is not eligible for renewal/);
    expect(requestsSent(sent)).toEqual(refused ? { [ROUTE.renew]: 1, [ROUTE.create]: 1 } : { [ROUTE.renew]: 1 });
    const meta = expectInstalled(state, "renew-due");
    expect(meta).toMatchObject({ previousCertificateId: previous.certificateId, lineage: refused ? "reissued" : "renewed" });
    expect(meta.certificateId).not.toBe(previous.certificateId);
    expect(meta.serialNumber).not.toBe(previous.serialNumber);
    if (state.keyFile && MODE[state.cell.key] !== "csr") expectKeySharedWithGroup(state.keyFile);
    expectRenewHooks(state, newHookRuns(state, hooksBefore));
    state.requestId = meta.certificateRequestId;
  },

  async "renew-pending"(state) {
    const previous = readMeta(state.dir);
    if (state.keyFile && MODE[state.cell.key] !== "csr") shareKeyWithGroup(state.keyFile);
    const files = snapshot(state.dir);
    const hooksBefore = hookRuns(state.hookLog).length;
    const due = ["--renew-before", "31d", "--no-wait", "--json", ...hookArgs(state)];
    const first = await sentBy(state.link, () => cli(state, ["renew", state.dir, ...due]));
    expect(first.result.code, first.result.stdout + first.result.stderr).toBe(5);
    expect(requestsSent(first.sent)).toEqual({ [ROUTE.renew]: 1 });
    const [id] = pendingIds(state.dir);
    expect(pendingIds(state.dir)).toEqual([id]);
    expect(snapshot(state.dir), "the old set stays while the renewal is pending").toEqual(files);
    if (state.cell.profile === "approval/approve") {
      // Still pending: the next run resumes it and sends no second request.
      const second = await sentBy(state.link, () => cli(state, ["renew", state.dir, ...due]));
      expect(second.result.code).toBe(5);
      expect(requestsSent(second.sent)).toEqual({});
      expect(pendingIds(state.dir)).toEqual([id]);
      await decide(state.srv, id!, "approve");
    }
    const last = await sentBy(state.link, () => cli(state, ["renew", state.dir, "--renew-before", "31d", "--json", ...hookArgs(state)]));
    expect(last.result.code, last.result.stderr).toBe(0);
    expect(requestsSent(last.sent), "the pending renewal is resumed, not requested again").toEqual({});
    expect(renewResult(last.result)).toMatchObject({ status: "renewed", resumedRequestId: id, previousCertificateId: previous.certificateId });
    const meta = expectInstalled(state, "renew-pending");
    expect(meta).toMatchObject({ previousCertificateId: previous.certificateId, lineage: "renewed", certificateRequestId: id });
    if (state.keyFile && MODE[state.cell.key] !== "csr") expectKeySharedWithGroup(state.keyFile);
    // The runs that left it pending renewed nothing: no deploy, no post; their pre hooks ran (they sent a request).
    const runs = newHookRuns(state, hooksBefore);
    expect(runs.filter((r) => r.role === "deploy")).toHaveLength(1);
    expect(runs.filter((r) => r.role === "post")).toHaveLength(1);
    expectRenewHooks(state, runs.slice(runs.findLastIndex((r) => r.role === "pre")));
    state.requestId = id!;
  },

  async status(state) {
    const elsewhere = join(state.dir, "..", `${state.dir.split("/").pop()}-status`);
    mkdirSync(elsewhere);
    const files = snapshot(state.dir);
    const { result: res, sent } = await sentBy(state.link, () => cli(state, ["status", state.requestId!, "--out-dir", elsewhere, "--json"]));
    expect(res.code, res.stderr).toBe(0);
    expect(requestsSent(sent)).toEqual({});
    const doc = JSON.parse(res.stdout) as { status: string; serialNumber: string; certificateId: string };
    expect(doc).toMatchObject({ status: "issued", certificateId: readMeta(state.dir).certificateId });
    expect(doc.serialNumber, "one serial form in status and certctl.json").toBe(readMeta(state.dir).serialNumber);
    expect(readdirSync(elsewhere), "status writes nothing without the pending record").toEqual([]);
    expect(snapshot(state.dir)).toEqual(files);
  },

  async revoke(state) {
    const { result: res, sent } = await sentBy(state.link, () => cli(state, ["revoke", "--out-dir", state.dir, "--reason", "superseded", "--yes", "--json"]));
    expect(res.code, res.stderr).toBe(0);
    expect(sent[ROUTE.revoke]).toBe(1);
    expect(requestsSent(sent)).toEqual({});
    const meta = readMeta(state.dir);
    expect(meta).toMatchObject({ revocationReason: "SUPERSEDED", certificateId: state.meta!.certificateId });
    expect(Number.isNaN(Date.parse(String(meta.revokedAt)))).toBe(false);
    expectCompleteSet(state.dir, state.keyFile, state.chains, "revoke");
  },

  async "renew-revoked"(state) {
    const previous = readMeta(state.dir);
    const hooksBefore = hookRuns(state.hookLog).length;
    const pending = state.cell.profile === "approval/approve";
    const argv = ["renew", state.dir, "--json", ...hookArgs(state)];
    if (pending) {
      const first = await sentBy(state.link, () => cli(state, [...argv, "--no-wait"]));
      expect(first.result.code, first.result.stdout + first.result.stderr).toBe(5);
      expect(Object.values(requestsSent(first.sent)).reduce((a, b) => a + b, 0), "one new request for the revoked certificate").toBeGreaterThan(0);
      expect(pendingIds(state.dir)).toHaveLength(1);
      await decide(state.srv, pendingIds(state.dir)[0]!, "approve");
    }
    const { result: res, sent } = await sentBy(state.link, () => cli(state, argv));
    expect(res.code, res.stderr).toBe(0);
    expect(renewResult(res)).toMatchObject({ status: "renewed", previousCertificateId: previous.certificateId });
    if (pending) expect(requestsSent(sent)).toEqual({});
    else expect(Object.values(requestsSent(sent)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const meta = expectInstalled(state, "renew-revoked");
    expect(meta.revokedAt).toBeUndefined();
    expect(meta.revocationReason).toBeUndefined();
    expect(meta.previousCertificateId).toBe(previous.certificateId);
    expect(["renewed", "reissued"]).toContain(meta.lineage);
    const runs = newHookRuns(state, hooksBefore);
    expectRenewHooks(state, runs.slice(runs.findLastIndex((r) => r.role === "pre")));
  },
};

/** Every file under a directory (but pending requests) with its content hash: "nothing was touched". */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    // A pending request's record and key are not part of the installed set.
    if (rel.startsWith(join(".certctl", "pending"))) continue;
    const path = join(dir, rel);
    try {
      out[rel] = createHash("sha256").update(readFileSync(path)).digest("hex");
    } catch {
      out[rel] = "dir";
    }
  }
  return out;
}

let cellCounter = 0;
async function runCell(cell: Cell): Promise<void> {
  const srv = servers[cell.server];
  const dir = join(work, `${++cellCounter}-${cell.server}-${cell.profile.replace("/", "-")}-${cell.key}-${cell.subject.replace("+", "-")}`);
  mkdirSync(dir);
  const link = await startCellLink(srv.url);
  srv.links.push(link);
  const state: CellState = {
    cell, srv, link, env: { ...srv.env, INFISICAL_DOMAIN: link.url }, dir, chains: chainChecks(`${dir}.installed`), keyFile: undefined, hookLog: `${dir}.hooks.log`,
  };
  for (const step of cell.steps) {
    try {
      await STEP[step](state);
    } catch (error) {
      (error as Error).message = `step ${step}: ${(error as Error).message}`;
      throw error;
    }
  }
  await expectChainsVerify(state.chains);
}

// `npm test` runs a third of the matrix: every key source × profile cell once, the subject shape
// rotating so that each profile meets all three shapes. CI also runs it whole
// (CERTCTL_MATRIX=full, see .ci/run); so can anyone who touches the request lifecycle.
const FULL = process.env.CERTCTL_MATRIX === "full";
const CELLS = matrix().filter((cell, _i, all) => FULL || sampled(cell, all));

function sampled(cell: Cell, all: readonly Cell[]): boolean {
  const sameSlot = all.filter((c) => c.key === cell.key && c.profile === cell.profile && c.server === cell.server);
  const keys = [...new Set(all.filter((c) => c.profile === cell.profile).map((c) => c.key))];
  return sameSlot[keys.indexOf(cell.key) % sameSlot.length] === cell;
}

describe.concurrent("lifecycle matrix", () => {
  it.each(CELLS.map((c) => [c.name, c] as const))("%s", async (_name, cell) => {
    await runCell(cell);
  }, CELL_TIMEOUT_MS);
});

describe("lifecycle matrix: the counts", () => {
  it("each server received exactly what the cells' links counted", async () => {
    for (const srv of Object.values(servers)) {
      const sums: Record<string, number> = {};
      for (const link of srv.links) for (const [route, n] of Object.entries(link.counts())) sums[route] = (sums[route] ?? 0) + n;
      expect(asLinkKeys(await devStats(srv.url)), srv.url).toEqual(sums);
    }
  });
});
