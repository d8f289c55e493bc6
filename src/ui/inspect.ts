// An inspect document (src/core/inspect/inspect.ts) as text for a person. The data stays the single
// source: --json prints the same document, so nothing here computes a fact of its own.
import type { ChalkInstance } from "chalk";
import type {
  BasicConstraintsSummary, CertificateSummary, CsrDocument, CertificatesDocument, InspectDocument, KeystoreSummary, PrivateKeySummary, PublicKeySummary,
} from "../core/inspect/inspect.js";
import { humanDuration } from "./time-left.js";
import { humanDate } from "../model/date.js";
import { escapeControlsOneLine as shown } from "../util/terminal.js";

export { humanDuration };

const LABEL_WIDTH = 19;

export function renderInspect(doc: InspectDocument, style: ChalkInstance): string[] {
  if (doc.kind === "key") return [style.bold("Private key"), ...table(privateKeyRows(doc.privateKey, null), style)];
  return doc.kind === "csr" ? renderCsr(doc, style) : renderCertificates(doc, style);
}

/** What a keystore or a combined file adds above its certificates. */
function formatLines(doc: CertificatesDocument, style: ChalkInstance): string[] {
  if (doc.keystore) return [style.bold("PKCS#12 keystore"), ...table(keystoreRows(doc.keystore, style), style), ""];
  if (doc.privateKey) {
    const leafKey = doc.certificates[0]?.publicKey.sha256 ?? null;
    return [style.bold("Combined PEM: private key"), ...table(privateKeyRows(doc.privateKey, leafKey, style), style), ""];
  }
  return [];
}

function keystoreRows(ks: KeystoreSummary, style: ChalkInstance): Array<[string, string]> {
  const match = ks.keyMatchesCertificate === null ? "(no key)" : ks.keyMatchesCertificate ? style.green("yes") : style.red("no");
  return [
    ["Friendly name", ks.friendlyName === null ? "(none)" : shown(ks.friendlyName)],
    ["Encryption", ks.encryption.length > 0 ? ks.encryption.join("; ") : "(none)"],
    ["MAC", ks.mac],
    ["Private keys", String(ks.privateKeys)],
    ["Key matches leaf", match],
  ];
}

function privateKeyRows(key: PrivateKeySummary, leafKeySha256: string | null, style?: ChalkInstance): Array<[string, string]> {
  const rows: Array<[string, string]> = [["Form", key.label], ["Encrypted", key.encrypted ? `yes${key.encryption ? `, ${key.encryption}` : ""}` : "no"]];
  if (key.publicKey) {
    rows.push(["Key", keyText(key.publicKey)], ["Public key SHA-256", key.publicKey.sha256]);
    if (leafKeySha256 !== null && style) rows.push(["Matches leaf", key.publicKey.sha256 === leafKeySha256 ? style.green("yes") : style.red("no")]);
  } else if (key.encrypted) {
    rows.push(["Key", "(pass --password-file to read it)"]);
  }
  return rows;
}

function renderCertificates(doc: CertificatesDocument, style: ChalkInstance): string[] {
  const lines: string[] = formatLines(doc, style);
  const total = doc.certificates.length;
  if (total > 1) {
    const verdict = doc.chainLinked ? style.green("each certificate links to the next") : style.red("the chain is broken");
    lines.push(`Chain of ${total} certificates: ${verdict}`, "");
  }
  for (const cert of doc.certificates) {
    lines.push(style.bold(total > 1 ? `Certificate ${cert.index + 1} of ${total}` : "Certificate"));
    lines.push(...renderCertificate(cert, style, total > 1));
    lines.push("");
  }
  lines.pop();
  return lines;
}

function renderCertificate(cert: CertificateSummary, style: ChalkInstance, inChain: boolean): string[] {
  const rows: Array<[string, string | string[]]> = [
    // Subject, issuer and SANs are whatever the certificate's maker wrote: shown with control characters escaped.
    ["Subject", shown(cert.subject) || "(empty)"],
    ["Issuer", (shown(cert.issuer) || "(empty)") + (cert.selfSigned ? style.dim("  (self-signed)") : "")],
    ["Serial", cert.serialNumber],
    ["Not before", humanDate(cert.notBefore)],
    ["Not after", `${humanDate(cert.notAfter)}  ${timeLeft(cert, style)}`],
    ["SANs", sanLines(cert.altNames)],
    ["Key", keyText(cert.publicKey)],
    ["Signature", cert.signatureAlgorithm],
    ["Key usage", list(cert.keyUsages)],
    ["Ext. key usage", list(cert.extendedKeyUsages)],
    ["Basic constraints", constraintsText(cert.basicConstraints)],
    ["SHA-256", cert.fingerprints.sha256],
    ["SHA-1", cert.fingerprints.sha1],
  ];
  if (inChain && cert.linksToNext !== null) {
    rows.push(["Links to next", cert.linksToNext ? style.green("yes") : style.red(`no: ${cert.linkProblem ?? "unknown"}`)]);
  }
  return table(rows, style);
}

function renderCsr(doc: CsrDocument, style: ChalkInstance): string[] {
  const csr = doc.csr;
  const rows: Array<[string, string | string[]]> = [
    ["Subject", shown(csr.subject) || "(empty)"],
    ["SANs", sanLines(csr.altNames)],
    ["Key", keyText(csr.publicKey)],
    ["Signature", `${csr.signatureAlgorithm}  ${csr.signatureValid ? style.green("valid") : style.red("does not verify")}`],
    ["Key usage", list(csr.keyUsages)],
    ["Ext. key usage", list(csr.extendedKeyUsages)],
    ["Basic constraints", constraintsText(csr.basicConstraints)],
    ["Public key SHA-256", csr.publicKey.sha256],
  ];
  return [style.bold("Certificate request"), ...table(rows, style)];
}

function table(rows: Array<[string, string | string[]]>, style: ChalkInstance): string[] {
  const out: string[] = [];
  for (const [label, value] of rows) {
    const values = Array.isArray(value) ? value : [value];
    values.forEach((text, i) => {
      const head = i === 0 ? `${label}:`.padEnd(LABEL_WIDTH + 1) : " ".repeat(LABEL_WIDTH + 1);
      out.push(`  ${style.dim(head)}${text}`);
    });
  }
  return out;
}

/** Yellow once less than a third of the lifetime is left (when `certctl renew` renews), red when expired. */
function timeLeft(cert: CertificateSummary, style: ChalkInstance): string {
  switch (cert.validity) {
    case "expired":
      return style.red(`(expired ${humanDuration(-cert.secondsLeft)} ago)`);
    case "not_yet_valid":
      return style.yellow(`(not valid yet; ${humanDuration(cert.lifetimeSeconds)} lifetime)`);
    case "expiring":
      return style.yellow(`(${humanDuration(cert.secondsLeft)} left)`);
    case "valid":
      return style.green(`(${humanDuration(cert.secondsLeft)} left)`);
  }
}


/** One SAN per line, in the certificate's order (the order the user asked for them). */
function sanLines(names: readonly string[]): string[] {
  return names.length > 0 ? names.map(shown) : ["(none)"];
}

function keyText(key: PublicKeySummary): string {
  const size = key.curve ? key.curve : key.bits !== null ? `${key.bits} bits` : "";
  return [key.type, size, key.keyAlgorithm ? `(${key.keyAlgorithm})` : ""].filter(Boolean).join(" ");
}

function constraintsText(bc: BasicConstraintsSummary | null): string {
  if (!bc) return "(none)";
  if (!bc.isCA) return "CA: no";
  return bc.pathLength === undefined ? "CA: yes" : `CA: yes, path length ${bc.pathLength}`;
}

function list(values: readonly string[]): string {
  return values.length > 0 ? values.join(", ") : "(none)";
}
