// --key-mode, --owner and --group → numeric values for the key file (issue 12 item 4): a service
// user (postgres, haproxy) that reads the key through its group keeps it across renewals. Names
// are resolved here, at the edge, so the store only ever sees numbers.
import { readFileSync } from "node:fs";
import { invalidValue } from "../shared/wording.js";

export interface KeyFileOwnership {
  /** Permission bits of key.pem, e.g. 0o640. */
  keyMode?: number;
  /** uid of key.pem's owner. */
  owner?: number;
  /** gid of key.pem's group. */
  group?: number;
}

export interface OwnershipFlags {
  keyMode?: string;
  owner?: string;
  group?: string;
}

/** Name → id, from the system's account databases; a seam for tests. */
export interface AccountLookup {
  uid(name: string): number | undefined;
  gid(name: string): number | undefined;
}

/** /etc/passwd and /etc/group, read when a name is given (node has no getpwnam). */
export const systemAccounts: AccountLookup = {
  uid: (name) => lookup("/etc/passwd", name),
  gid: (name) => lookup("/etc/group", name),
};

function lookup(file: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const [entry, , id] = line.split(":");
    if (entry === name && id !== undefined && /^\d+$/.test(id)) return Number(id);
  }
  return undefined;
}

const MAX_ID = 2 ** 32 - 2; // (uid_t)-1 means "unchanged" to chown

export function parseKeyFileOwnership(flags: OwnershipFlags, accounts: AccountLookup = systemAccounts): KeyFileOwnership {
  const out: KeyFileOwnership = {};
  if (flags.keyMode !== undefined) out.keyMode = parseKeyMode(flags.keyMode);
  if (flags.owner !== undefined) out.owner = parseAccount("--owner", flags.owner, (n) => accounts.uid(n), "user", "uid");
  if (flags.group !== undefined) out.group = parseAccount("--group", flags.group, (n) => accounts.gid(n), "group", "gid");
  return out;
}

/** Octal, as chmod takes it. A private key is never for every user, and its owner must read it. */
export function parseKeyMode(value: string): number {
  const text = value.trim();
  if (!/^0?[0-7]{3}$/.test(text)) throw invalidValue("--key-mode", value, "expected an octal mode such as 0600 or 0640");
  const mode = parseInt(text, 8);
  if ((mode & 0o007) !== 0) {
    throw invalidValue("--key-mode", value, "a private key must not be open to every user; use 0600, or 0640 with --group");
  }
  if ((mode & 0o400) === 0) throw invalidValue("--key-mode", value, "the owner must be able to read the key (e.g. 0600 or 0640)");
  return mode;
}

function parseAccount(flag: string, value: string, find: (name: string) => number | undefined, kind: string, idName: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const id = Number(text);
    if (id > MAX_ID) throw invalidValue(flag, value, `expected a ${kind} name or a ${idName} up to ${MAX_ID}`);
    return id;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(text)) throw invalidValue(flag, value, `expected a ${kind} name or a numeric ${idName}`);
  const id = find(text);
  if (id === undefined) throw invalidValue(flag, value, `no ${kind} of that name on this machine; give an existing ${kind} or a numeric ${idName}`);
  return id;
}
