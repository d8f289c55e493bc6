// The shared utilities on fixed inputs: the one sleep, PEM blocks, file errors in words.
import { describe, expect, it } from "vitest";
import { sleep } from "../../src/util/sleep.js";
import { countBeginLines, hasPrivateKeyPem, pemBlocks, pemEncode } from "../../src/util/pem.js";
import { ExitCode, FileError, UsageError, emptyFileError, fileError } from "../../src/model/errors.js";

describe("util/sleep", () => {
  it("resolves after the time, and rejects with the abort reason as soon as the signal fires", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort({ signal: "SIGTERM" });
    await expect(pending).rejects.toEqual({ signal: "SIGTERM" });
    await expect(sleep(10, controller.signal)).rejects.toEqual({ signal: "SIGTERM" });
  });
});

describe("util/pem", () => {
  const der = new Uint8Array(100).map((_, i) => i);
  it("encodes 64-character lines and finds the block again, headers and whitespace dropped", () => {
    const pem = pemEncode(der, "CERTIFICATE");
    expect(pem.split("\n")[1]).toHaveLength(64);
    const withHeaders = pem.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n");
    const [block] = pemBlocks(`junk\n${withHeaders}\r\ntrailer`);
    expect(block?.label).toBe("CERTIFICATE");
    expect(Buffer.from(block!.base64, "base64")).toEqual(Buffer.from(der));
  });
  it("counts a truncated block's BEGIN line that pemBlocks cannot complete", () => {
    const text = `${pemEncode(der, "CERTIFICATE")}\n-----BEGIN CERTIFICATE-----\nAAAA`;
    expect(pemBlocks(text)).toHaveLength(1);
    expect(countBeginLines(text)).toBe(2);
  });
  it("spots private keys in every form", () => {
    for (const label of ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]) {
      expect(hasPrivateKeyPem(`-----BEGIN ${label}-----`)).toBe(true);
    }
    expect(hasPrivateKeyPem("-----BEGIN PUBLIC KEY-----")).toBe(false);
  });
});

describe("model/errors fileError: words, never raw codes", () => {
  const err = (code: string) => Object.assign(new Error(`${code}: something, open '/x'`), { code });
  it.each([
    ["ENOENT", "it does not exist"], ["EACCES", "permission denied"], ["EISDIR", "it is a directory"],
    ["ENOTDIR", "a part of the path is not a directory"], ["ENAMETOOLONG", "the name is too long for the filesystem"],
  ])("%s → %s", (code, words) => {
    const error = fileError("read --key", "/x/key.pem", err(code));
    expect(error).toBeInstanceOf(FileError);
    expect(error.exitCode).toBe(ExitCode.file);
    expect(error.message).toBe(`cannot read --key /x/key.pem: ${words}`);
    expect(error.message).not.toContain(code);
  });
  it("an unknown code keeps the message's words without the code", () => {
    expect(fileError("read", "/x", err("EWEIRD")).message).toBe("cannot read /x: something");
  });
  it("an empty input file is a usage error (exit 2)", () => {
    const error = emptyFileError("--client-secret-file", "/run/secret");
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe("--client-secret-file /run/secret is empty");
  });
});
