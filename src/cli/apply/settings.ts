// The file's `server` and `auth` → the global options a command line would give. Precedence:
// flags, then the file, then the environment. Secrets come from the files the file names.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FileError, UsageError, fileError } from "../../model/errors.js";
import type { CertctlFile } from "../../core/config/types.js";
import type { ConfigSource } from "../../core/config/source.js";
import { locate } from "../../core/config/validate.js";
import type { GlobalOptions } from "../context.js";

const SUPPORTED = ["universal-auth", "token"];

export async function globalsFromFile(file: CertctlFile, source: ConfigSource, globals: GlobalOptions): Promise<GlobalOptions> {
  const base = dirname(source.path);
  const out: GlobalOptions = { ...globals };
  const server = file.server ?? {};
  if (out.domain === undefined && server.domain !== undefined) out.domain = server.domain;
  if (out.cacert === undefined && server.cacert !== undefined) out.cacert = resolve(base, server.cacert);
  if (server["insecure-http"] === true) out.insecureHttp = true;
  if (server.timeout !== undefined && globals.timeout === "30s") out.timeout = server.timeout;
  if (server.retries !== undefined && globals.retries === "3") out.retries = String(server.retries);
  const auth = file.auth;
  if (!auth) return out;
  const method = auth.method ?? (auth["token-file"] !== undefined ? "token" : "universal-auth");
  if (!SUPPORTED.includes(method)) {
    throw new UsageError(locate(source, ["auth", "method"], `'${method}' is not supported by this certctl; use universal-auth or token`), {
      hint: "Log in with a Universal Auth identity (client-id + client-secret-file), or pass an access token through token-file or INFISICAL_TOKEN.",
    });
  }
  const read = async (field: string, path: string) => {
    const full = resolve(base, path);
    let text: string;
    try {
      text = (await readFile(full, "utf8")).trim();
    } catch (error) {
      throw new FileError(locate(source, ["auth", field], fileError("read", full, error).message));
    }
    if (text === "") throw new UsageError(locate(source, ["auth", field], `${full} is empty`));
    return text;
  };
  if (out.clientId === undefined && auth["client-id"] !== undefined) out.clientId = auth["client-id"];
  if (out.clientId === undefined && auth["client-id-file"] !== undefined) out.clientId = await read("client-id-file", auth["client-id-file"]);
  if (out.clientSecretFile === undefined && auth["client-secret-file"] !== undefined) out.clientSecretFile = resolve(base, auth["client-secret-file"]);
  if (out.token === undefined && auth["token-file"] !== undefined) out.token = await read("token-file", auth["token-file"]);
  return out;
}
