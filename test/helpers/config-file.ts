// The declarative file as the unit tests read it: text → loaded file (as if at /etc/certctl/<name>)
// → entries, and the UsageError a bad one is refused with.
import { join } from "node:path";
import { expect } from "vitest";
import { buildEntries } from "../../src/cli/apply/entries.js";
import { fromSource } from "../../src/core/config/load.js";
import { parseConfigText } from "../../src/core/config/source.js";
import { UsageError } from "../../src/model/errors.js";

export const PROJECT = "9b3e0c52-6a7f-4d1e-8c2b-5f4a3e2d1c0b";
/** A file whose defaults name a profile and project, and its first entry `web` (www.example.com); entries' fields follow. */
export const WEB_FILE_HEAD = `version: 1
defaults:
  directory: certs
  profile: web-server
  project: ${PROJECT}
certificates:
  - name: web
    cn: www.example.com
`;

/** Every owner and group name resolves (to 1000): the tests do not depend on the machine's accounts. */
export const accounts = { uid: () => 1000, gid: () => 1000 };

export function loadText(text: string, name = "certctl.yaml") {
  return fromSource(parseConfigText(text, join("/etc/certctl", name)));
}

export function entriesOf(text: string, name?: string) {
  const loaded = loadText(text, name);
  return buildEntries(loaded.file, loaded.source, new Date(), accounts);
}

/** The UsageError the file is refused with (the test fails when it is accepted or fails otherwise). */
export function problemOf(text: string, name?: string): UsageError {
  try {
    entriesOf(text, name);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}
