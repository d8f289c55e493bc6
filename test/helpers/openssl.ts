// Check written files independently of certctl's own x509 code (@peculiar/x509 on asn1js): with
// the openssl binary, or for a key/certificate match with node:crypto, which is OpenSSL's parser
// inside the test process (as helpers/lifecycle.ts checks fields).
import { execFileSync } from "node:child_process";
import { X509Certificate, createPublicKey, type KeyObject } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

export function openssl(args: string[], input?: string): string {
  return execFileSync("openssl", args, { encoding: "utf8", input: input ?? "", stdio: ["pipe", "pipe", "pipe"] });
}

/** PEM blocks of a bundle, in order. */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/g) ?? [];
}

/**
 * `openssl verify` of a leaf against the last block of the chain (the root) with the rest as untrusted.
 * A chain.pem written by certctl holds no root: then the ca.pem beside it is the trust anchor.
 */
export function verifyChain(certFile: string, chainFile: string): string {
  const blocks = pemBlocks(readFileSync(chainFile, "utf8"));
  const caFile = join(dirname(chainFile), "ca.pem");
  if (basename(chainFile) === "chain.pem" && existsSync(caFile)) blocks.push(...pemBlocks(readFileSync(caFile, "utf8")));
  const dir = mkdtempSync(join(tmpdir(), "certctl-verify-"));
  const root = join(dir, "root.pem");
  const untrusted = join(dir, "untrusted.pem");
  writeFileSync(root, blocks[blocks.length - 1] + "\n");
  writeFileSync(untrusted, blocks.slice(0, -1).join("\n") + "\n");
  const args = ["verify", "-CAfile", root];
  if (blocks.length > 1) args.push("-untrusted", untrusted);
  return openssl([...args, certFile]).trim();
}

/**
 * The public key of a certificate and of a private key as SPKI PEM (what `openssl x509 -pubkey`
 * and `openssl pkey -pubout` print), for a key/cert match. In-process: these run after nearly
 * every step of the e2e tests, and a spawned openssl costs the worker a fork of its whole address
 * space (~10 ms of CPU at 200 MB) on top of the process itself.
 */
export function certPublicKey(certFile: string): string {
  return spkiPem(new X509Certificate(readFileSync(certFile)).publicKey);
}

export function keyPublicKey(keyFile: string): string {
  return spkiPem(createPublicKey(readFileSync(keyFile)));
}

/** The certificate's serial as `openssl x509 -serial` prints it (node's X509Certificate is OpenSSL's parser), lowercase. */
export function certSerialHex(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).serialNumber.toLowerCase();
}

function spkiPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }) as string;
}

export function certText(certFile: string): string {
  return openssl(["x509", "-in", certFile, "-noout", "-text"]);
}
