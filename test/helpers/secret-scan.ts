// Search everything a run produced (stdout, stderr, certctl.json, hook output…) for values
// that must never appear there: tokens, client secrets, access tokens and private key bodies.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Secret {
  label: string;
  value: string;
}

/** The base64 body lines of every PEM block in `pem` (a single line is enough to leak a key). */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith("-----"));
}

/** One Secret per body line of a private key PEM. */
export function keySecrets(label: string, pem: string): Secret[] {
  return pemBodyLines(pem).map((value, i) => ({ label: `${label} line ${i + 1}`, value }));
}

/** "<secret> in <where>" for every secret found; empty means the scan found nothing. */
export function findSecrets(texts: Record<string, string>, secrets: readonly Secret[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) {
      if (secret.value.length >= 6 && text.includes(secret.value)) found.push(`${secret.label} in ${where}`);
    }
  }
  return found;
}

/** certctl.json and the pending records certctl keeps, which must never hold a secret or a key. */
export function metadataTexts(outDir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  const meta = join(outDir, "certctl.json");
  if (existsSync(meta)) texts[meta] = readFileSync(meta, "utf8");
  const pending = join(outDir, ".certctl", "pending");
  if (existsSync(pending) && statSync(pending).isDirectory()) {
    for (const name of readdirSync(pending)) if (name.endsWith(".json")) texts[join(pending, name)] = readFileSync(join(pending, name), "utf8");
  }
  return texts;
}

/** Totals across a test file, printed at the end so the closing note can quote them. */
export const scanTotals = { transcripts: 0, secretsChecked: 0, found: 0 };

export function scan(texts: Record<string, string>, secrets: readonly Secret[]): string[] {
  const found = findSecrets(texts, secrets);
  scanTotals.transcripts += Object.keys(texts).length;
  scanTotals.secretsChecked += secrets.length * Object.keys(texts).length;
  scanTotals.found += found.length;
  return found;
}
