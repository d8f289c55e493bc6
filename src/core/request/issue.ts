// certctl issue: plan → create → wait → fetch chain → verified set on disk. Nothing is written
// unless the set is complete and verified; a pending request keeps its key aside so that
// `certctl status` can finish the set later exactly as this would have.
import type { Readable } from "node:stream";
import type { InfisicalApi } from "../../api/infisical.js";
import type { CertificateAttributes, CreateCertificateBody, KeyAlgorithm, SignatureAlgorithm } from "../../model/types.js";
import type { Connection } from "../../api/config.js";
import { FileError } from "../../model/errors.js";
import { preflightFileSet, type FilePaths } from "../../store/layout.js";
import { acquireIssueLock } from "../../store/lock.js";
import { recordedPermissions, storedPaths, type FormatOptions, type IssueMode } from "../../store/metadata.js";
import { readFormatPasswords } from "../formats/passwords.js";
import { DEFAULT_KEY_ALGORITHM } from "../../model/algorithms.js";
import { isUuid } from "../../model/uuid.js";
import { listPending } from "../../store/pending.js";
import { buildCsr } from "../crypto/csr.js";
import { checkCsr, readCsrInput } from "../crypto/csr-input.js";
import { exportPrivateKeyPem, generateSigningKey, importSigningKey, publicKeyDer, readKeyFile, type SigningKey } from "../crypto/keys.js";
import type { FinalizeContext } from "./finalize.js";
import type { IssueProgress, IssueResult, RequestRecord } from "./record.js";
import { settleAnswer } from "./settle.js";
import { resumeCommand } from "../../model/commands.js";
import { DOMAIN_NAMES, type InputNames } from "../input-names.js";

export interface IssueParams {
  /** A profile UUID, or a slug resolved with projectId. */
  profile: string;
  projectId?: string;
  applicationId?: string;
  mode: IssueMode;
  attributes: CertificateAttributes;
  /** --key (local-key mode with an existing key). */
  keyFile?: string;
  /** --csr path or "-" (csr mode). */
  csrFile?: string;
  removeRootsFromChain: boolean;
  /** Absolute. */
  outDir: string;
  files: FilePaths;
  force: boolean;
  wait: boolean;
  waitTimeoutMs: number;
  /** --domain as typed, repeated in the resume command. */
  domainFlag?: string;
  /** Recorded in certctl.json for `renew` to run after replacing the set. */
  deployHook?: string;
  /** The optional formats (their paths are in `files`); written now and on every renewal. */
  formats?: FormatOptions;
  /** How messages name the inputs (the cli passes its flags); domain words when absent. */
  names?: InputNames;
  /** key.pem's mode bits and the set's numeric owner and group; recorded and applied on every write. */
  keyMode?: number;
  owner?: number;
  group?: number;
}

export interface IssueDeps {
  connect(): Promise<{ api: InfisicalApi; connection: Connection }>;
  stdin: Readable;
  signal: AbortSignal;
  onProgress?: (event: IssueProgress) => void;
  now?: () => Date;
  /** Where the formats' password variables are read: the command's environment. */
  env: NodeJS.ProcessEnv;
}

/** What certctl holds before it sends anything: the CSR (or attributes only) and the key it keeps. */
export interface IssueMaterial {
  mode: IssueMode;
  attributes: CertificateAttributes;
  csrPem?: string;
  /** PKCS#8 PEM of a key certctl generated or read; never sent. */
  privateKeyPem?: string;
  /** DER SubjectPublicKeyInfo the issued certificate must carry (unknown until the server makes the key). */
  publicKeyDer?: Buffer;
  keyAlgorithm?: KeyAlgorithm;
  signatureAlgorithm?: SignatureAlgorithm;
}

/** Read --key/--csr or generate a key, then build the CSR. Sends nothing. */
export async function prepareMaterial(params: IssueParams, deps: Pick<IssueDeps, "stdin" | "onProgress" | "env">): Promise<IssueMaterial> {
  const attributes = { ...params.attributes };
  if (params.mode === "server-keygen") {
    const material: IssueMaterial = { mode: "server-keygen", attributes };
    if (attributes.keyAlgorithm) material.keyAlgorithm = attributes.keyAlgorithm;
    if (attributes.signatureAlgorithm) material.signatureAlgorithm = attributes.signatureAlgorithm;
    return material;
  }
  if (params.mode === "csr") {
    const name = (params.names ?? DOMAIN_NAMES).csr;
    const source = params.csrFile === "-" ? `${name} - (stdin)` : `${name} ${params.csrFile ?? ""}`;
    const csr = await checkCsr(await readCsrInput(params.csrFile ?? "-", deps.stdin, name), source);
    return { mode: "csr", attributes, csrPem: csr.pem, publicKeyDer: csr.publicKeyDer, keyAlgorithm: csr.keyAlgorithm };
  }
  let key;
  if (params.keyFile !== undefined) {
    const names = params.names ?? DOMAIN_NAMES;
    const pem = await readKeyFile(params.keyFile, names.key);
    // An encrypted key file opens with the password key.pem is encrypted with.
    const { key: passphrase } = await readFormatPasswords(params.formats?.encryptedKey ? { encryptedKey: params.formats.encryptedKey } : undefined, deps.env, names);
    key = await importSigningKey(pem, `${names.key} ${params.keyFile}`, attributes.signatureAlgorithm, undefined, passphrase, names);
  } else {
    const keyAlgorithm = attributes.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
    deps.onProgress?.({ kind: "generating-key", keyAlgorithm });
    key = await generateSigningKey(keyAlgorithm, attributes.signatureAlgorithm);
  }
  return localKeyMaterial(attributes, key);
}

/** A local key's CSR (carrying `attributes`, whose algorithms become the key's) and its PEM/DER forms. */
export async function localKeyMaterial(attributes: CertificateAttributes, key: SigningKey): Promise<IssueMaterial> {
  attributes.keyAlgorithm = key.keyAlgorithm;
  attributes.signatureAlgorithm = key.signatureAlgorithm;
  const spki = key.encoded?.spki ?? (await publicKeyDer(key.keys.publicKey));
  return {
    mode: "local-key",
    attributes,
    csrPem: await buildCsr(attributes, key, spki),
    privateKeyPem: key.encoded?.privateKeyPem ?? (await exportPrivateKeyPem(key.keys.privateKey)),
    publicKeyDer: spki,
    keyAlgorithm: key.keyAlgorithm,
    signatureAlgorithm: key.signatureAlgorithm,
  };
}

/** The create body. Alongside a CSR the server reads only validity and basic constraints. Never key material. */
export function createBody(profileId: string, material: IssueMaterial, opts: { applicationId?: string; removeRootsFromChain: boolean }): CreateCertificateBody {
  const body: CreateCertificateBody = { profileId };
  if (material.csrPem !== undefined) {
    body.csr = material.csrPem;
    const { ttl, notBefore, notAfter, basicConstraints } = material.attributes;
    const attributes: CertificateAttributes = {};
    if (ttl !== undefined) attributes.ttl = ttl;
    if (notBefore !== undefined) attributes.notBefore = notBefore;
    if (notAfter !== undefined) attributes.notAfter = notAfter;
    if (basicConstraints !== undefined) attributes.basicConstraints = basicConstraints;
    body.attributes = attributes;
  } else {
    body.attributes = material.attributes;
  }
  if (opts.removeRootsFromChain) body.removeRootsFromChain = true;
  if (opts.applicationId !== undefined) body.applicationId = opts.applicationId;
  return body;
}

export async function issueCertificate(params: IssueParams, deps: IssueDeps): Promise<IssueResult> {
  // Everything that can fail locally fails before the first request, cheapest first: the
  // connection settings (--domain, --timeout, credentials, --cacert) are checked before a key is
  // generated, so a typo in them is reported at once, not after seconds of RSA key generation.
  await preflightFileSet(params.files, { force: params.force, writeKey: params.mode !== "csr", outDir: params.outDir });
  // A missing password file or variable is found now, not after the CA has issued.
  await readFormatPasswords(params.formats, deps.env, params.names);
  await refuseSecondRequest(params);
  const { api, connection } = await deps.connect();
  // The same lock as renew's: concurrent `issue --force` runs into one directory take turns, so
  // certctl.json always names the certificate that is live (and `revoke --out-dir` the right one).
  let lock;
  try {
    lock = await acquireIssueLock(params.outDir, { waitMs: ISSUE_LOCK_WAIT_MS, signal: deps.signal });
  } catch (error) {
    await api.close();
    throw error;
  }
  try {
    const material = await prepareMaterial(params, deps);
    // Log in as a step of its own (so progress reads login, then request) and before the slug lookup.
    await api.authenticate();
    const profileId = isUuid(params.profile) ? params.profile.toLowerCase() : await api.resolveProfileId(params.profile, params.projectId ?? "");
    const body = createBody(profileId, material, {
      removeRootsFromChain: params.removeRootsFromChain,
      ...(params.applicationId !== undefined ? { applicationId: params.applicationId } : {}),
    });
    deps.onProgress?.({ kind: "requesting", host: api.host });
    const answer = await api.createCertificate(body);
    const record = pendingRecord(params, material, profileId, connection.apiUrl, answer.certificateRequestId, deps.now?.() ?? new Date());
    const context: FinalizeContext = {
      api, record, privateKeyPem: material.privateKeyPem, publicKeyDer: material.publicKeyDer,
      signal: deps.signal, domainFlag: params.domainFlag, onProgress: deps.onProgress, now: deps.now,
      env: deps.env, ...(params.names !== undefined ? { names: params.names } : {}),
    };
    return await settleAnswer(answer, context, { wait: params.wait, timeoutMs: params.waitTimeoutMs });
  } finally {
    await lock.release();
    await api.close();
  }
}

/** How long `issue` waits for another run writing the same directory before giving up (nothing sent). */
const ISSUE_LOCK_WAIT_MS = 60_000;

/** At most one outstanding request per directory: a rerun of the same issue would pile up requests and keys. */
async function refuseSecondRequest(params: IssueParams): Promise<void> {
  if (params.force) return;
  const [pending] = await listPending(params.outDir);
  if (pending === undefined) return;
  const force = params.names?.force;
  const finish = `Finish it with: ${resumeCommand(pending, params.outDir, { domain: params.domainFlag, wait: true })}`;
  throw new FileError(`a certificate request for ${params.outDir} is still pending (${pending}); certctl sends no second one${force ? ` without ${force}` : ""}`, {
    hint: force ? `${finish} (or pass ${force} to send a new request anyway).` : `${finish}.`,
  });
}

function pendingRecord(params: IssueParams, material: IssueMaterial, profileId: string, domain: string, requestId: string, now: Date): RequestRecord {
  const { p12, der, combined } = params.files;
  const written = {
    cert: params.files.cert, chain: params.files.chain, fullchain: params.files.fullchain, ...(material.mode === "csr" ? {} : { key: params.files.key }),
    ...(p12 !== undefined ? { p12 } : {}), ...(der !== undefined ? { der } : {}), ...(combined !== undefined ? { combined } : {}),
  };
  const record: RequestRecord = {
    version: 1, domain, profileId, profile: params.profile, mode: material.mode, attributes: material.attributes,
    removeRootsFromChain: params.removeRootsFromChain, certificateRequestId: requestId,
    files: storedPaths(params.outDir, written), createdAt: now.toISOString(), outDir: params.outDir, force: params.force,
  };
  if (params.projectId !== undefined) record.projectId = params.projectId;
  if (params.applicationId !== undefined) record.applicationId = params.applicationId;
  if (params.deployHook !== undefined) record.deployHook = params.deployHook;
  if (params.formats !== undefined) record.formats = params.formats;
  const permissions = recordedPermissions(params);
  if (permissions !== undefined) record.permissions = permissions;
  if (material.keyAlgorithm !== undefined) record.keyAlgorithm = material.keyAlgorithm;
  if (material.signatureAlgorithm !== undefined) record.signatureAlgorithm = material.signatureAlgorithm;
  // With --csr there is no key to keep: `status` checks the certificate against the CSR's public key.
  if (material.mode === "csr" && material.publicKeyDer) record.csrPublicKey = material.publicKeyDer.toString("base64");
  // The CSR is public; kept so `renew` can resubmit it.
  if (material.mode === "csr" && material.csrPem !== undefined) record.csr = material.csrPem;
  return record;
}
