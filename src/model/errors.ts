// Typed errors, each carrying its exit code (the README's "Exit codes" table). src/cli/main.ts is the only
// place that turns one of these into an exit code and a message.

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  refused: 4,
  pending: 5,
  unavailable: 6,
  file: 7,
  hook: 8,
  /** `check` only: something needs attention (due, expired, revoked, pending or broken); not an error. */
  attention: 9,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** A next step the user can take, printed after the message. */
  hint?: string;
  /** Extra lines (e.g. one per 422 issue), printed under the message. */
  lines?: string[];
  cause?: unknown;
}

export class CertctlError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly lines: string[];

  constructor(exitCode: ExitCodeValue, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = details.hint;
    this.lines = details.lines ?? [];
  }
}

/** Bad flags or arguments, found before any request was sent (exit 2). */
export class UsageError extends CertctlError {
  constructor(message: string, details?: ErrorDetails) {
    super(ExitCode.usage, message, details);
  }
}

/** "invalid value 'x' for flag '--key-algorithm'; options are …" in one place. */
export function invalidFlag(flag: string, value: string, valid: string): UsageError {
  return new UsageError(`invalid value '${value}' for ${flag}; ${valid}`);
}

/** 401, 403, or a refused login (exit 3). */
export class AuthError extends CertctlError {
  constructor(message: string, details?: ErrorDetails) {
    super(ExitCode.auth, message, details);
  }
}

/** The CA refused: 400, 404, 422, a failed or rejected request, or an answer we cannot accept (exit 4). */
export class RefusedError extends CertctlError {
  readonly status: number | undefined;
  constructor(message: string, details?: ErrorDetails & { status?: number }) {
    super(ExitCode.refused, message, details);
    this.status = details?.status;
  }
}

/** Still pending when waiting stopped (exit 5); the request id lets `certctl status` resume. */
export class PendingError extends CertctlError {
  readonly certificateRequestId: string;
  readonly status: string;
  constructor(message: string, certificateRequestId: string, status: string, details?: ErrorDetails) {
    super(ExitCode.pending, message, details);
    this.certificateRequestId = certificateRequestId;
    this.status = status;
  }
}

/** Server or network unavailable after retries, or an unreadable response (exit 6). */
export class UnavailableError extends CertctlError {
  constructor(message: string, details?: ErrorDetails) {
    super(ExitCode.unavailable, message, details);
  }
}

/** Cannot read an input or write an output; existing files are left as they were (exit 7). */
export class FileError extends CertctlError {
  constructor(message: string, details?: ErrorDetails) {
    super(ExitCode.file, message, details);
  }
}

/** Why a file operation failed, in words: users see "permission denied", never "EACCES". */
const FILE_REASONS: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ENAMETOOLONG: "the name is too long for the filesystem",
  ELOOP: "too many levels of symbolic links",
  EEXIST: "it already exists",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the filesystem is read-only",
  EFBIG: "file too large (a file size limit, e.g. ulimit -f, was reached)",
  EMFILE: "too many open files",
  EBUSY: "the file is busy",
};

/** The words for a failed file operation's error; an unknown code falls back to the error's own message. */
export function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FILE_REASONS[code] !== undefined) return FILE_REASONS[code];
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages lead with the code ("ENOENT: no such file…"); keep only the words.
  return message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}

/**
 * "cannot <action> <path>: <reason>" as a FileError (exit 7), the one wording for files certctl
 * cannot read or write. `action` may name the flag: fileError("read --key", path, error).
 */
export function fileError(action: string, path: string, error: unknown): FileError {
  if (error instanceof FileError) return error;
  return new FileError(`cannot ${action} ${path}: ${fileReason(error)}`, { cause: error });
}

/**
 * An input file that exists but holds nothing (a secret file, a key): the value is wrong, not the
 * file system, so it is a usage error (exit 2) for every command.
 */
export function emptyFileError(flag: string, path: string): UsageError {
  return new UsageError(`${flag} ${path} is empty`);
}

/** Renewed and written, but the deploy hook failed (exit 8). */
export class HookError extends CertctlError {
  constructor(message: string, details?: ErrorDetails) {
    super(ExitCode.hook, message, details);
  }
}

/** Ctrl-C (130) or SIGTERM (143) while working. */
export class InterruptedError extends CertctlError {
  constructor(signal: "SIGINT" | "SIGTERM", message: string, details?: ErrorDetails) {
    super(signal === "SIGINT" ? ExitCode.sigint : ExitCode.sigterm, message, details);
  }
}

/** Severity order for a run over many directories: the most severe code wins. */
// attention sits just above ok: it reports a state, not a failure, so any real error outranks it.
const SEVERITY: readonly number[] = [
  ExitCode.ok, ExitCode.attention, ExitCode.hook, ExitCode.pending, ExitCode.unavailable, ExitCode.refused,
  ExitCode.auth, ExitCode.file, ExitCode.usage, ExitCode.internal, ExitCode.sigterm, ExitCode.sigint,
];

export function mostSevere(codes: Iterable<number>): number {
  let worst: number = ExitCode.ok;
  for (const code of codes) {
    if (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst)) worst = code;
  }
  return worst;
}

/** The reason an interrupted run was aborted with. */
export interface SignalReason {
  signal: "SIGINT" | "SIGTERM";
}

export function isSignalReason(value: unknown): value is SignalReason {
  return typeof value === "object" && value !== null && "signal" in value;
}
