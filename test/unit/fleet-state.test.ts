// directoryState on sets made with openssl (no server): each state at fixed moments of the
// certificate's own lifetime, and each way a set can be broken.
import { X509Certificate } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { directoryState } from "../../src/core/fleet/state.js";
import { parseRenewBefore } from "../../src/cli/renew/renew-before.js";
import { openssl } from "../helpers/openssl.js";

const DAY = 86_400_000;
const DEFAULT = parseRenewBefore(undefined);
let work: string;
let template: string;
let notBefore: number;
let notAfter: number;
let counter = 0;

function makeKeyAndCert(dir: string, cn: string): void {
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    "-subj", `/CN=${cn}/O=Example`, "-addext", `subjectAltName=DNS:${cn},IP:192.0.2.7`, "-days", "30"]);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "certctl-fleet-state-"));
  template = join(work, "template");
  mkdirSync(template);
  makeKeyAndCert(template, "unit.example.com");
  const certPem = readFileSync(join(template, "cert.pem"), "utf8");
  writeFileSync(join(template, "chain.pem"), certPem);
  writeFileSync(join(template, "fullchain.pem"), certPem + certPem);
  const cert = new X509Certificate(certPem);
  notBefore = Date.parse(cert.validFrom);
  notAfter = Date.parse(cert.validTo);
  writeFileSync(join(template, "certctl.json"), JSON.stringify({
    version: 1, domain: "https://infisical.example.com/api", profileId: "p-1", profile: "web-server", mode: "local-key",
    attributes: { commonName: "unit.example.com" }, removeRootsFromChain: false, certificateId: "c-1", certificateRequestId: "r-0",
    serialNumber: cert.serialNumber.toLowerCase(), notBefore: new Date(notBefore).toISOString(), notAfter: new Date(notAfter).toISOString(),
    files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", key: "key.pem" }, issuedAt: new Date(notBefore).toISOString(),
  }));
});

/** A fresh copy of the template set, changed by `edit`. */
function setWith(edit: (dir: string) => void = () => undefined): string {
  const dir = join(work, `set-${++counter}`);
  cpSync(template, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editMeta(dir: string, change: Record<string, unknown>): void {
  const file = join(dir, "certctl.json");
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), ...change }));
}

function addPending(dir: string, id: string, createdAt: string): void {
  mkdirSync(join(dir, ".certctl", "pending"), { recursive: true });
  writeFileSync(join(dir, ".certctl", "pending", `${id}.json`), JSON.stringify({
    // A pending record as certctl writes it (readPending checks its shape).
    version: 1, certificateRequestId: id, createdAt, domain: "https://infisical.example.com/api", profileId: "p-1", mode: "local-key",
    attributes: { commonName: "unit.example.com", altNames: [{ type: "dns_name", value: "unit.example.com" }] },
    files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", key: "key.pem" }, force: false, outDir: dir,
  }));
}

const at = (ms: number) => new Date(ms);

describe("directoryState: the states of a whole set", () => {
  it("ok early in the lifetime, with what list shows", async () => {
    const dir = setWith();
    const state = await directoryState(dir, at(notBefore + DAY), DEFAULT, "certs/set");
    expect(state).toMatchObject({
      input: "certs/set", dir, name: dir.split("/").pop(), state: "ok",
      subject: "CN=unit.example.com, O=Example", altNames: ["DNS:unit.example.com", "IP:192.0.2.7"],
      profile: "web-server", server: "https://infisical.example.com", certificateId: "c-1",
      notAfter: new Date(notAfter).toISOString(), secondsLeft: Math.floor((notAfter - notBefore - DAY) / 1000),
      lastRenewal: new Date(notBefore).toISOString(),
    });
    expect(state.lastFailure).toBeUndefined();
    expect(state.keyUnchecked).toBeUndefined();
  });

  it("a SAN-only certificate (empty subject): no subject, its SANs, not an error", async () => {
    const dir = setWith((d) => {
      openssl(["req", "-x509", "-key", join(d, "key.pem"), "-out", join(d, "cert.pem"), "-subj", "/",
        "-addext", "subjectAltName=DNS:only.example.com", "-days", "30"]);
      const pem = readFileSync(join(d, "cert.pem"), "utf8");
      writeFileSync(join(d, "chain.pem"), pem);
      writeFileSync(join(d, "fullchain.pem"), pem + pem);
      editMeta(d, { serialNumber: new X509Certificate(pem).serialNumber.toLowerCase() });
    });
    const state = await directoryState(dir, new Date(), DEFAULT, "certs/san-only");
    expect(state.state).toBe("ok");
    expect(state.subject).toBeUndefined();
    expect(state.altNames).toEqual(["DNS:only.example.com"]);
  });

  it("due inside the margin (a third of 30 days by default; --renew-before moves it), expired after notAfter", async () => {
    const dir = setWith();
    expect((await directoryState(dir, at(notAfter - 9 * DAY), DEFAULT)).state).toBe("due");
    expect((await directoryState(dir, at(notAfter - 11 * DAY), DEFAULT)).state).toBe("ok");
    expect((await directoryState(dir, at(notAfter - 11 * DAY), parseRenewBefore("12d"))).state).toBe("due");
    const expired = await directoryState(dir, at(notAfter + 1000), DEFAULT);
    expect(expired.state).toBe("expired");
    expect(expired.secondsLeft).toBe(-1);
  });

  it("revoked whatever its dates; the reason recorded by revoke", async () => {
    const dir = setWith((d) => editMeta(d, { revokedAt: "2026-11-01T00:00:00.000Z", revocationReason: "KEY_COMPROMISE" }));
    expect(await directoryState(dir, at(notBefore + DAY), DEFAULT)).toMatchObject({ state: "revoked", reason: "KEY_COMPROMISE", revokedAt: "2026-11-01T00:00:00.000Z" });
  });

  it("pending with the newest request's id; an expired certificate stays expired with the id beside it", async () => {
    const dir = setWith((d) => {
      addPending(d, "r-old", "2026-11-01T00:00:00.000Z");
      addPending(d, "r-new", "2026-11-02T00:00:00.000Z");
    });
    expect(await directoryState(dir, at(notAfter - 5 * DAY), DEFAULT)).toMatchObject({ state: "pending", pendingRequestId: "r-new", pendingSince: "2026-11-02T00:00:00.000Z" });
    expect(await directoryState(dir, at(notAfter + DAY), DEFAULT)).toMatchObject({ state: "expired", pendingRequestId: "r-new" });
  });

  it("a directory with only a pending request (issue --no-wait) is pending, named from the request", async () => {
    const dir = join(work, "only-pending");
    addPending(dir, "r-first", "2026-11-03T00:00:00.000Z");
    expect(await directoryState(dir, at(notBefore), DEFAULT)).toMatchObject({
      state: "pending", pendingRequestId: "r-first", subject: "CN=unit.example.com", altNames: ["DNS:unit.example.com"], server: "https://infisical.example.com",
    });
  });

  it("the last failure renew recorded; a file that does not read as one is ignored", async () => {
    const failure = { time: "2026-11-30T03:00:00.000Z", exitCode: 6, message: "server unavailable" };
    const dir = setWith((d) => {
      mkdirSync(join(d, ".certctl"), { recursive: true });
      writeFileSync(join(d, ".certctl", "last-failure.json"), JSON.stringify(failure));
    });
    expect((await directoryState(dir, at(notBefore + DAY), DEFAULT)).lastFailure).toEqual(failure);
    writeFileSync(join(dir, ".certctl", "last-failure.json"), "{not json");
    expect((await directoryState(dir, at(notBefore + DAY), DEFAULT)).lastFailure).toBeUndefined();
  });
});

describe("directoryState: broken sets", () => {
  const now = () => at(notBefore + DAY);

  it.each<[string, (dir: string) => void, RegExp]>([
    ["certctl.json not JSON", (d) => writeFileSync(join(d, "certctl.json"), "{"), /not valid JSON/],
    ["certctl.json of the wrong shape", (d) => editMeta(d, { files: null }), /files: expected an object/],
    ["a file missing", (d) => rmSync(join(d, "fullchain.pem")), /^missing fullchain\.pem$/],
    ["two files missing", (d) => { rmSync(join(d, "chain.pem")); rmSync(join(d, "key.pem")); }, /^missing chain\.pem, key\.pem$/],
    ["a certificate that is not a certificate", (d) => writeFileSync(join(d, "cert.pem"), "hello"), /cert\.pem is not a readable certificate/],
    ["a certificate other than the one recorded", (d) => editMeta(d, { serialNumber: "0abc" }), /not the certificate certctl\.json records \(serial 0abc\)/],
    ["a fullchain that starts with another certificate", (d) => {
      const other = join(d, "other");
      mkdirSync(other);
      makeKeyAndCert(other, "other.example.com");
      writeFileSync(join(d, "fullchain.pem"), readFileSync(join(other, "cert.pem")));
    }, /fullchain\.pem does not start with cert\.pem/],
    ["a key of another certificate", (d) => {
      const other = join(d, "other");
      mkdirSync(other);
      makeKeyAndCert(other, "other.example.com");
      cpSync(join(other, "key.pem"), join(d, "key.pem"));
    }, /key\.pem does not match the certificate's public key/],
    ["a key that is not a key", (d) => writeFileSync(join(d, "key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), /key\.pem is not a readable private key/],
    ["a live link outside .certctl/versions", (d) => {
      mkdirSync(join(d, ".certctl", "versions"), { recursive: true });
      symlinkSync("/tmp", join(d, ".certctl", "live"));
    }, /refusing to follow .*live: it points to \/tmp/],
  ])("%s", async (_, edit, reason) => {
    const state = await directoryState(setWith(edit), now(), DEFAULT);
    expect(state.state).toBe("broken");
    expect(state.reason).toMatch(reason);
  });

  it("a broken set keeps the dates it could read, so metrics still show the expiry", async () => {
    const state = await directoryState(setWith((d) => editMeta(d, { serialNumber: "0abc" })), now(), DEFAULT);
    expect(state.notAfter).toBe(new Date(notAfter).toISOString());
  });

  it("an encrypted key cannot be compared: not broken, and said so", async () => {
    const dir = setWith((d) => {
      const encrypted = openssl(["pkcs8", "-topk8", "-in", join(d, "key.pem"), "-passout", "pass:secret-pass"]);
      writeFileSync(join(d, "key.pem"), encrypted);
    });
    const state = await directoryState(dir, now(), DEFAULT);
    expect(state.state).toBe("ok");
    expect(state.keyUnchecked).toBe("key.pem is encrypted");
  });

  it("a set without a key (issued from a CSR) is whole without one", async () => {
    const dir = setWith((d) => {
      rmSync(join(d, "key.pem"));
      const meta = JSON.parse(readFileSync(join(d, "certctl.json"), "utf8")) as { files: Record<string, string> };
      delete meta.files.key;
      writeFileSync(join(d, "certctl.json"), JSON.stringify({ ...meta, mode: "csr" }));
    });
    expect((await directoryState(dir, now(), DEFAULT)).state).toBe("ok");
  });
});
