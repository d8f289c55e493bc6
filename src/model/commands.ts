// The certctl command lines that messages tell a user to run next (CLI.md fixes their names and
// flags). One place, so core, ui and cli print the same command, and core names no flag itself.

/** The exact command that resumes a pending request: `certctl status <id> --out-dir <dir> [--domain <d>] [--wait]`. */
export function resumeCommand(requestId: string, outDir: string, opts: { domain?: string | undefined; wait?: boolean } = {}): string {
  const parts = ["certctl", "status", requestId, "--out-dir", shellQuote(outDir)];
  if (opts.domain !== undefined) parts.push("--domain", shellQuote(opts.domain));
  if (opts.wait) parts.push("--wait");
  return parts.join(" ");
}

/** `certctl renew <dir> --csr <file>`: a --csr directory renewed by resubmitting a CSR the user gives. */
export function renewWithCsrCommand(input: string): string {
  return `certctl renew ${shellQuote(input)} --csr <file>`;
}

/** A word the shell passes through as it is, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
