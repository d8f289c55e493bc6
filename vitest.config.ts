import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Every node the suite starts (workers, certctl, agents) would read the machine's extra CA bundle
// at start-up: ~80 ms of CPU each where NODE_EXTRA_CA_CERTS is set, hundreds of times a run. The
// tests talk to loopback servers only (plain HTTP, or TLS with a CA they pass themselves).
delete process.env.NODE_EXTRA_CA_CERTS;
// `openssl x509` (OpenSSL 3.0) loads the system trust store on every start, ~45 ms of CPU before
// it reads its input, and the tests run it hundreds of times (verify, pkey, req do not). No test
// trusts the system CAs: every chain is verified against a CA the test passes itself. Node
// ignores these variables unless started with --use-openssl-ca.
process.env.SSL_CERT_FILE = "/dev/null";
process.env.SSL_CERT_DIR = "/dev/null";

// The files that take longest, most of it waiting (rate-limit windows, agent intervals), start
// first. vitest orders by the last run's timings when it has them and by file size when it does
// not: on a fresh clone the small ratelimit-fleet file ran last, and the run ended on its 24 s
// of waiting (94.5 s, against 74–76 s with the timings cached).
const LONGEST = ["ratelimit-fleet", "lifecycle-matrix", "agent-auth", "agent-mode", "devserver", "keys-csr", "renew", "tty"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = LONGEST.findIndex((name) => spec.moduleId.endsWith(`/${name}.test.ts`));
      return at < 0 ? LONGEST.length : at;
    };
    const sorted = await super.sort(files);
    return sorted.map((spec, index) => ({ spec, index })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index).map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // Forks, not threads: main() installs SIGINT/SIGTERM handlers (run-main.ts checks they are
    // removed) and some tests change the umask, which worker threads may not do.
    pool: "forks",
    sequence: { sequencer: LongestFirst },
    // Test files share their worker process instead of a fresh process each: a fresh one
    // re-imports undici, @peculiar/x509 and src/ through vite for every file, which was most of
    // the unit tests' time (47 files: 72 s CPU isolated, 28 s shared). A file that changes
    // process-wide state (process.env, umask) puts it back in afterAll.
    isolate: false,
    // Timeouts only turn a hang into a failure; tests wait on state, never on the clock, so a
    // loaded machine makes them slow, not red. 30 s was reached by healthy runs under a CPU hog.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Three workers on two cores: the suite is mostly CPU, but some files mostly wait (the
    // rate-limited fleet sits out ~13 one-second windows; agents sleep between cycles), and a
    // third worker runs other files meanwhile (quiet 2-core machine: 94 s with two, 81 s with
    // three). minWorkers = maxWorkers: with fewer, tinypool retires idle forks at the end of the
    // run and vitest 3 reports "Unhandled Rejection: Terminating worker thread" (exit 1; seen in
    // 2 of 3 runs here; vitest-dev/vitest#8564).
    maxWorkers: 3,
    minWorkers: 3,
  },
});
