// Local conditions proven by test/e2e/interrupt.test.ts and files-safety.test.ts, as rows of
// the failure table (scripts/gen-failure-table.js). The tests take their exit codes from here.

export interface LocalCase {
  fault: string;
  does: string;
  exit: number;
  test: "interrupt" | "files-safety";
}

export const LOCAL_CASES = {
  sigintWaiting: {
    fault: "Ctrl-C (SIGINT) while waiting for approval", test: "interrupt", exit: 130,
    does: "prints the request id and `certctl status <id> --out-dir …`; no file written; the pending key (0600) is kept and `status` finishes the set",
  },
  sigtermWaiting: {
    fault: "SIGTERM while waiting for approval", test: "interrupt", exit: 143,
    does: "same as Ctrl-C, exit 143",
  },
  sigtermStatusWait: {
    fault: "SIGTERM during `certctl status <id> --wait`", test: "interrupt", exit: 143,
    does: "the pending request and its key survive; a later `status` finishes the set",
  },
  sigintBackoff: {
    fault: "Ctrl-C during a Retry-After wait", test: "interrupt", exit: 130,
    does: "stops at once, without waiting out the server's delay; nothing written",
  },
  sigtermHang: {
    fault: "SIGTERM while a request hangs", test: "interrupt", exit: 143,
    does: "aborts the request at once; nothing written",
  },
  statusResumeFails: {
    fault: "the server fails (500) while `status` resumes an approved request", test: "interrupt", exit: 6,
    does: "nothing written; the pending request and its key are kept, and the next `status` finishes the set",
  },
  keySymlink: {
    fault: "key.pem is a symlink to a file certctl does not manage", test: "files-safety", exit: 7,
    does: "refuses before any request; with --force replaces the link itself, never writing through it",
  },
} satisfies Record<string, LocalCase>;
