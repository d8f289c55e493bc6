// The optional formats of a set, rendered from the verified leaf, chain and key just before the
// set is installed: encrypted key.pem, PKCS#12, DER leaf, combined PEM. Pure bytes; the store
// writes them into the same version folder as the PEM files, so they are swapped with the set.
import { X509Certificate, createPrivateKey } from "node:crypto";
import type { CertificateAttributes } from "../../model/types.js";
import type { FormatFiles } from "../../store/layout.js";
import type { FormatOptions } from "../../store/metadata.js";
import { pemBlocks } from "../../util/pem.js";
import { splitSelfSignedRoot } from "../../store/roots.js";
import type { FormatPasswords } from "./passwords.js";

export interface RenderInput {
  formats: FormatOptions;
  attributes: CertificateAttributes;
  certificatePem: string;
  /** The intermediates (and root, if kept), PEM. */
  chainPem: string;
  /** Unencrypted PKCS#8 PEM; absent with --csr (no key formats then). */
  privateKeyPem: string | undefined;
  passwords: FormatPasswords;
}

/** The friendly name a keystore shows: --p12-name, else the CN, else the first SAN. */
export function friendlyNameFor(formats: FormatOptions, attributes: CertificateAttributes): string {
  return formats.p12?.friendlyName ?? attributes.commonName ?? attributes.altNames?.[0]?.value ?? "certctl";
}

export async function renderFormats(input: RenderInput): Promise<{ privateKey: string | undefined; files: FormatFiles }> {
  const { formats, privateKeyPem, passwords } = input;
  const files: FormatFiles = {};
  const leafDer = new X509Certificate(input.certificatePem).raw;
  const chainDer = pemBlocks(input.chainPem).filter((b) => b.label === "CERTIFICATE").map((b) => Buffer.from(b.base64, "base64"));
  if (formats.der) files.der = leafDer;
  const pkcs8 = privateKeyPem !== undefined && (formats.p12 || formats.encryptedKey)
    ? createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "der" }) : undefined;
  let keyOut = privateKeyPem;
  if (formats.encryptedKey && pkcs8 !== undefined && passwords.key !== undefined) {
    const { encryptPrivateKeyPem } = await import("./encrypted-key.js");
    keyOut = encryptPrivateKeyPem(pkcs8, passwords.key);
  }
  if (formats.combined && keyOut !== undefined) {
    // The HAProxy/Postfix layout: the key (as key.pem has it, encrypted or not), then what fullchain.pem
    // holds — the leaf and the intermediates, no self-signed root (a server never sends it).
    files.combined = [keyOut, input.certificatePem, splitSelfSignedRoot(input.chainPem).intermediates].map((t) => t.trim()).filter((t) => t !== "").join("\n") + "\n";
  }
  if (formats.p12 && pkcs8 !== undefined && passwords.p12 !== undefined) {
    // Loaded only here: the PFX schemas are not needed by a run that writes no keystore.
    const { buildPkcs12 } = await import("./p12.js");
    files.p12 = buildPkcs12({
      privateKey: pkcs8, certificates: [leafDer, ...chainDer], password: passwords.p12,
      legacy: formats.p12.legacy === true, friendlyName: friendlyNameFor(formats, input.attributes),
    });
  }
  return { privateKey: keyOut, files };
}
