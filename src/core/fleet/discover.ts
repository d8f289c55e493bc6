// Which directories a fleet command acts on (DESIGN-ops.md). A directory holding certctl.json is one
// certificate; a directory without one stands for each of its immediate subdirectories that holds
// one, sorted by name, like certbot's live/: `certctl renew /etc/certctl/certs` renews everything
// below it, and a certificate added later is picked up without editing a cron line. Reads only
// directory entries: no certificate is parsed here.
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CertctlError, FileError, fileError } from "../../model/errors.js";
import { METADATA_FILE } from "../../store/metadata.js";
import { listPending } from "../../store/pending.js";

export interface DiscoveredDir {
  /** The directory as the user named it, or `<argument>/<subdirectory>` when expanded. */
  input: string;
  /** Absolute path. */
  dir: string;
  /** Set when this argument names nothing certctl manages: reported for that argument (exit 7). */
  error?: CertctlError;
}

export interface DiscoverOptions {
  /**
   * Also count a directory whose only trace is a pending request (`issue --no-wait` into a new
   * directory: `.certctl/pending/` but no certctl.json yet). list and check show it as pending;
   * renew cannot renew it (`certctl status <id>` finishes it), so renew leaves this off.
   */
  pendingOnly?: boolean;
}

type Kind = "managed" | "pending-only" | "none";

/**
 * The directories `args` stand for, in argument order, each once (the first naming wins).
 * No argument means `.`. An argument with nothing managed in or below it becomes an entry with
 * `error`, so a fleet run can report it beside the others and still try the rest.
 */
export async function discoverDirectories(args: readonly string[], cwd: string, opts: DiscoverOptions = {}): Promise<DiscoveredDir[]> {
  const list = args.length > 0 ? args : ["."];
  const expanded = await Promise.all(list.map((input) => expandArgument(input, resolve(cwd, input), opts)));
  const seen = new Set<string>();
  const found: DiscoveredDir[] = [];
  for (const entry of expanded.flat()) {
    if (seen.has(entry.dir)) continue;
    seen.add(entry.dir);
    found.push(entry);
  }
  return found;
}

async function expandArgument(input: string, dir: string, opts: DiscoverOptions): Promise<DiscoveredDir[]> {
  let kind: Kind;
  try {
    const info = statSync(dir);
    if (!info.isDirectory()) return [{ input, dir, error: new FileError(`${dir} is not a directory; expected a directory holding certctl.json, or one whose subdirectories do`) }];
    kind = await kindOf(dir, opts);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [{ input, dir, error: new FileError(`${dir} does not exist`) }];
    return [{ input, dir, error: fileError("read", dir, error) }];
  }
  if (kind !== "none") return [{ input, dir }];
  // A named directory whose first request is still pending is the user's certificate: its own
  // step (renew's plan) says which request and how to finish it, rather than "no certctl.json".
  if ((await listPending(dir)).length > 0) return [{ input, dir }];

  let names: string[];
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    // Hidden entries are skipped: `.certctl` is certctl's own state, `.git` someone else's.
    names = entries.filter((e) => !e.name.startsWith(".") && (e.isDirectory() || e.isSymbolicLink())).map((e) => e.name).sort();
  } catch (error) {
    return [{ input, dir, error: fileError("read", dir, error) }];
  }
  const kinds = await Promise.all(names.map((name) => kindOf(join(dir, name), opts).catch((): Kind => "managed")));
  const below = names.flatMap((name, i) => (kinds[i] === "none" ? [] : [{ input: join(input, name), dir: join(dir, name) }]));
  if (below.length > 0) return below;
  return [{
    input, dir,
    error: new FileError(`no ${METADATA_FILE} in ${dir} or its subdirectories`, {
      hint: "Name a directory certctl issue wrote to (it holds certctl.json), or a directory of such directories.",
    }),
  }];
}

/**
 * Whether `dir` is a certificate directory. Only "not there" means no: a certctl.json that cannot
 * be looked at (permissions) still marks a managed directory, whose state then says why it is broken.
 */
async function kindOf(dir: string, opts: DiscoverOptions): Promise<Kind> {
  try {
    statSync(join(dir, METADATA_FILE));
    return "managed";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
  if (opts.pendingOnly && (await listPending(dir)).length > 0) return "pending-only";
  return "none";
}

/** For commands that report on a whole set (list, check): the first argument that names nothing managed is an error for the run. */
export function throwFirstProblem(found: readonly DiscoveredDir[]): void {
  const problems = found.filter((entry) => entry.error !== undefined);
  const first = problems[0]?.error;
  if (!first) return;
  const others = problems.slice(1).map((entry) => entry.error!.message);
  throw new FileError(first.message, { ...(first.hint ? { hint: first.hint } : {}), lines: [...first.lines, ...others] });
}
