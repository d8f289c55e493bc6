// Preloaded with --require: on exit, append this process's peak RSS (kB) to $CERTCTL_BENCH_RSS_FILE.
const { appendFileSync } = require("node:fs");
process.on("exit", () => {
  appendFileSync(process.env.CERTCTL_BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
