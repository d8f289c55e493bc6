#!/usr/bin/env node
// npm run check:rootfs — the container image without a container runtime (none can run here):
// scripts/rootfs.sh builds the image's root filesystem around dist-sea/certctl, and every certctl
// run of the common check (exercise.mjs: --version, completion, a dev server on loopback, issue,
// renew --force, inspect) happens inside it: a private mount namespace (unshare) with /proc and
// /dev mounted as a runtime would, then chroot as the image's non-root user 65532.
// Needs root (unshare, chroot, chown); .ci/run skips it otherwise.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, exercise, runCheck } from "./exercise.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const built = join(root, "dist-sea", "certctl");
if (!existsSync(built)) {
  process.stderr.write("check:rootfs: dist-sea/certctl does not exist; run `npm run sea` first\n");
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  process.stderr.write("check:rootfs: needs root (unshare --mount, chroot)\n");
  process.exit(1);
}
const which = (tool) => execFileSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
const [unshare, mount, chroot] = ["unshare", "mount", "chroot"].map(which);

const tmp = mkdtempSync(join(tmpdir(), "certctl-rootfs-"));
const rootfs = join(tmp, "rootfs");
await runCheck("check:rootfs", tmp, async () => {
  execFileSync("bash", [join(root, "scripts", "rootfs.sh"), built, rootfs], { stdio: "inherit" });
  const files = readdirSync(rootfs, { recursive: true }).filter((f) => statSync(join(rootfs, f)).isFile());
  const bytes = files.reduce((n, f) => n + statSync(join(rootfs, f)).size, 0);
  process.stderr.write(`root filesystem: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB:\n${files.map((f) => `    /${f}`).join("\n")}\n`);

  // One process from unshare to certctl (each step execs the next), so the check's SIGTERM to
  // the dev server reaches certctl itself.
  const inside = `${mount} -t proc proc "$0/proc" && ${mount} --rbind /dev "$0/dev" && exec ${chroot} --userspec=65532:65532 "$0" /usr/local/bin/certctl "$@"`;
  const command = [unshare, "--mount", "--propagation", "private", "/bin/sh", "-c", inside, rootfs];
  await exercise({
    command,
    env: { PATH: "/usr/local/bin", HOME: "/home/nonroot" },
    cwd: tmp,
    workDir: "/certs",
    hostPath: (p) => join(rootfs, p),
  });
  const written = statSync(join(rootfs, "certs", "issued", "certctl.json"));
  check(written.uid === 65532 && written.gid === 65532, "the files were written by the non-root user 65532:65532");
});
