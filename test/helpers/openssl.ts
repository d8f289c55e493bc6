// Check written files with the openssl binary, independently of certctl's own x509 code.
import { execFileSync } from "node:child_process";
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

/** The public key of a certificate and of a private key, as openssl prints it, for a key/cert match. */
export function certPublicKey(certFile: string): string {
  const pem = openssl(["x509", "-in", certFile, "-noout", "-pubkey"]);
  return openssl(["pkey", "-pubin", "-noout", "-text"], pem);
}

/** One openssl run: `-text_pub` prints what `pkey -pubin -text` prints for the key's public half. */
export function keyPublicKey(keyFile: string): string {
  return openssl(["pkey", "-in", keyFile, "-noout", "-text_pub"]);
}

export function certText(certFile: string): string {
  return openssl(["x509", "-in", certFile, "-noout", "-text"]);
}
