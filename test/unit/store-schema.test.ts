// Issue 13 item 8: wrong-typed fields in certctl.json ended in internal errors (exit 1), one of
// them after a request was sent. readMetadata now checks the shape first: exit 7 naming the field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMetadata, type CertctlMetadata } from "../../src/store/metadata.js";

const GOOD: CertctlMetadata = {
  version: 1, domain: "http://127.0.0.1:1/api", profileId: "p", mode: "local-key", attributes: { commonName: "a", altNames: [{ type: "dns_name", value: "a" }] },
  removeRootsFromChain: false, certificateId: "c", certificateRequestId: "r", serialNumber: "01",
  notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-02-01T00:00:00.000Z",
  files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", key: "key.pem" }, issuedAt: "2026-01-01T00:00:00.000Z",
};

async function readWith(patch: Record<string, unknown>): Promise<CertctlMetadata | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "certctl-store-schema-"));
  writeFileSync(join(dir, "certctl.json"), JSON.stringify({ ...GOOD, ...patch }));
  return readMetadata(dir);
}

describe("certctl.json is checked before any field is used", () => {
  it.each([
    [{ files: null }, /files: expected an object, got null/],
    [{ files: { ...GOOD.files, cert: 42 } }, /files\.cert: expected a string, got 42/],
    [{ attributes: "x" }, /attributes: expected an object, got "x"/],
    [{ domain: 42 }, /domain: expected a string, got 42/],
    [{ mode: "magic" }, /mode: expected one of local-key, csr, server-keygen, got "magic"/],
    [{ attributes: { altNames: [{ type: "dns_name", value: 7 }] } }, /attributes\.altNames\[0\]\.value: expected a string, got 7/],
    [{ removeRootsFromChain: "yes" }, /removeRootsFromChain: expected true or false/],
    [{ permissions: { keyMode: "0999" } }, /permissions\.keyMode: "0999" is not valid/],
    [{ permissions: { owner: -1 } }, /permissions\.owner: expected at least 0/],
    [{ files: { chain: "c", fullchain: "f" } }, /files\.cert: missing/],
  ])("%j → exit 7 naming the field", async (patch, message) => {
    await expect(readWith(patch)).rejects.toThrow(message);
    await expect(readWith(patch)).rejects.toMatchObject({ exitCode: 7 });
  });

  it("reads a good file, one with fields it does not know (a newer certctl), and an old one with keyAlgorithm at the top", async () => {
    expect(await readWith({})).toEqual(GOOD);
    expect(await readWith({ deployHook: "systemctl reload nginx" })).toMatchObject({ certificateId: "c" });
    expect(await readWith({ keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256" })).toMatchObject({ keyAlgorithm: "EC_prime256v1" });
  });
});

describe("certctl.json as written (issue 12 item 16)", () => {
  it("ends with a newline and does not repeat keyAlgorithm/signatureAlgorithm already in attributes", async () => {
    const { readFileSync } = await import("node:fs");
    const { writeMetadata } = await import("../../src/store/metadata.js");
    const dir = mkdtempSync(join(tmpdir(), "certctl-store-schema-"));
    const meta: CertctlMetadata = {
      ...GOOD, keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256",
      attributes: { ...GOOD.attributes, keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256" },
    };
    await writeMetadata(dir, meta);
    const text = readFileSync(join(dir, "certctl.json"), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.match(/"keyAlgorithm"/g)).toHaveLength(1);
    expect(text.match(/"signatureAlgorithm"/g)).toHaveLength(1);
    const read = await readMetadata(dir);
    expect(read?.attributes).toMatchObject({ keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256" });
    // A --csr set's key algorithm is not in attributes: it stays at the top.
    await writeMetadata(dir, { ...GOOD, mode: "csr", keyAlgorithm: "RSA_2048" });
    expect(JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")).keyAlgorithm).toBe("RSA_2048");
  });
});
