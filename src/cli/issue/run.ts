// certctl issue: flags → one typed IssueParams (every check before any request) → core → ui.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError, invalidFlag } from "../../model/errors.js";
import { buildAttributes, isUuid, type KeyMode } from "../../core/attributes/attributes.js";
import { parseDuration } from "../../model/duration.js";
import type { IssueParams } from "../../core/request/issue.js";
import type { IssueFlags } from "./define.js";
import { resolveFilePaths } from "../../store/layout.js";
import { createOutput } from "../../ui/output.js";
import { issueJson, issueSummary } from "../../ui/issue.js";
import { trackIssueProgress } from "../../ui/issue-progress.js";

/** The wiring: argv values → validated params. Throws UsageError naming the flag; sends nothing. */
export function parseIssueFlags(flags: IssueFlags, cwd: string, now = new Date()): IssueParams {
  const profile = flags.profile?.trim();
  if (!profile) throw new UsageError("--profile is required: a certificate profile id, or its slug with --project <projectId>");
  if (!isUuid(profile)) {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(profile)) {
      throw invalidFlag("--profile", profile, "expected a profile id (UUID) or a slug (letters, digits, hyphens)");
    }
    if (!flags.project?.trim()) {
      throw new UsageError(`--profile '${profile}' is a slug, which needs --project <projectId> to resolve it`, {
        hint: "Pass --project, or give the profile's id (a UUID) instead.",
      });
    }
  }
  if (flags.application !== undefined && !isUuid(flags.application)) {
    throw invalidFlag("--application", flags.application, "expected an application id (UUID)");
  }
  if (flags.project !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(flags.project.trim())) {
    throw invalidFlag("--project", flags.project, "expected a project id (letters, digits, hyphens)");
  }
  if (flags.cn !== undefined && flags.commonName !== undefined && flags.cn !== flags.commonName) {
    throw new UsageError("--cn and --common-name are the same flag; give it once");
  }

  const sources = [["--csr", flags.csr], ["--key", flags.key], ["--server-keygen", flags.serverKeygen]].filter(([, v]) => v !== undefined && v !== false);
  if (sources.length > 1) {
    throw new UsageError(`${sources.map(([f]) => f).join(" and ")} cannot be combined: choose where the key comes from`, {
      hint: "--csr sends your CSR as it is, --key builds a CSR from your key, --server-keygen lets the server make the key.",
    });
  }
  const mode: KeyMode = flags.csr !== undefined ? "csr" : flags.serverKeygen ? "server-keygen" : "local-key";
  if (mode === "csr" && flags.keyFile !== undefined) {
    throw new UsageError("--key-file cannot be used with --csr: no key is written when you bring your own CSR");
  }
  if (flags.csr !== undefined && flags.csr.trim() === "") throw invalidFlag("--csr", flags.csr, "expected a file path or - for standard input");
  if (flags.key !== undefined && flags.key.trim() === "") throw invalidFlag("--key", flags.key, "expected a file path");

  const cn = flags.cn ?? flags.commonName;
  const attributes = buildAttributes(
    {
      ...pick(flags, ["dns", "ip", "email", "uri", "san", "org", "ou", "country", "state", "locality", "keyUsage", "extKeyUsage",
        "keyAlgorithm", "signatureAlgorithm", "ttl", "notBefore", "notAfter", "ca", "pathLength"]),
      ...(cn !== undefined ? { cn } : {}),
    },
    { mode, keyFromFile: flags.key !== undefined, now },
  );

  const outDirFlag = flags.outDir ?? ".";
  if (outDirFlag.trim() === "") throw invalidFlag("--out-dir", outDirFlag, "expected a directory path");
  const overrides: Partial<Record<"cert" | "chain" | "fullchain" | "key", string>> = {};
  for (const [role, value, flag] of [["cert", flags.certFile, "--cert-file"], ["chain", flags.chainFile, "--chain-file"],
    ["fullchain", flags.fullchainFile, "--fullchain-file"], ["key", flags.keyFile, "--key-file"]] as const) {
    if (value === undefined) continue;
    if (value.trim() === "") throw invalidFlag(flag, value, "expected a file path");
    overrides[role] = value;
  }
  const outDir = resolve(cwd, outDirFlag);
  const files = resolveFilePaths(cwd, outDirFlag, overrides);
  const distinct = new Set(Object.entries(files).filter(([role]) => role !== "key" || mode !== "csr").map(([, p]) => p));
  if (distinct.size !== (mode === "csr" ? 3 : 4)) {
    throw new UsageError("--cert-file, --chain-file, --fullchain-file and --key-file must be different paths");
  }
  if (flags.key !== undefined && resolve(cwd, flags.key) === files.key && !flags.force) {
    // Reusing key.pem in place is the common renewal-by-hand case: the key file is left untouched
    // only if nothing is written over it, so say what would happen.
    throw new UsageError(`--key ${flags.key} is also where key.pem would be written`, {
      hint: "Pass --force to rewrite it in place (same key, PKCS#8 form), or choose another --out-dir or --key-file.",
    });
  }

  const params: IssueParams = {
    profile: isUuid(profile) ? profile.toLowerCase() : profile,
    mode,
    attributes,
    removeRootsFromChain: flags.removeRootsFromChain === true,
    outDir,
    files,
    force: flags.force === true,
    wait: flags.wait !== false,
    waitTimeoutMs: parseDuration("--wait-timeout", flags.waitTimeout ?? "10m"),
  };
  if (flags.project !== undefined) params.projectId = flags.project.trim();
  if (flags.application !== undefined) params.applicationId = flags.application.trim().toLowerCase();
  if (flags.key !== undefined) params.keyFile = resolve(cwd, flags.key);
  if (flags.csr !== undefined) params.csrFile = flags.csr === "-" ? "-" : resolve(cwd, flags.csr);
  if (flags.deployHook !== undefined) {
    if (flags.deployHook.trim() === "") throw invalidFlag("--deploy-hook", flags.deployHook, "expected a shell command such as 'systemctl reload nginx'");
    params.deployHook = flags.deployHook;
  }
  return params;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseIssueFlags(command.opts<IssueFlags>(), ctx.io.cwd);
  if (ctx.globals.domain !== undefined) params.domainFlag = ctx.globals.domain;
  const output = createOutput(ctx);
  // Started before the heavy imports (x509 takes a moment), so a terminal shows life at once.
  const progress = output.progress("Preparing the request");
  const view = trackIssueProgress(progress);
  try {
    const [{ issueCertificate }, { connect }] = await Promise.all([import("../../core/request/issue.js"), import("../connect.js")]);
    const result = await issueCertificate(params, {
      connect: () => connect(ctx, { onLogin: view.onLogin }),
      stdin: ctx.io.stdin,
      signal: ctx.signal,
      onProgress: view.onProgress,
    });
    progress.stop();
    output.result(issueJson(result), () => issueSummary(result, output.style));
    return 0;
  } catch (error) {
    progress.stop();
    throw error;
  }
}
