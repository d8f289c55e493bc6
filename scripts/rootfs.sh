#!/usr/bin/env bash
# scripts/rootfs.sh <executable> <dir> — the container image's root filesystem, built without a
# container tool: what the Containerfile's final stage holds on gcr.io/distroless/cc-debian12 (the
# single executable, the C/C++ runtime libraries it links, CA certificates, a non-root user
# "nonroot" 65532:65532), taken from this host. scripts/install-check/rootfs.mjs runs certctl in
# it with chroot, as that user, where no container runtime is available.
set -euo pipefail
exe=${1:?usage: scripts/rootfs.sh <executable> <dir>}
dir=${2:?usage: scripts/rootfs.sh <executable> <dir>}

rm -rf "$dir"
mkdir -p "$dir"/{usr/local/bin,etc/ssl/certs,tmp,home/nonroot,certs,proc,dev}
install -m 0755 "$exe" "$dir/usr/local/bin/certctl"

# The shared libraries it links (node: libc, libstdc++, libgcc_s, libm, libdl, libpthread) and the
# dynamic loader, at the paths the loader looks for them.
ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
  mkdir -p "$dir$(dirname "$lib")"
  cp -L "$lib" "$dir$lib"
done

# Users and name lookups as distroless has them; nss "files" is part of glibc (≥ 2.34).
cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$dir/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$dir/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$dir/etc/hosts"
# For a self-hosted instance behind a public CA nothing more is needed (Node carries its own root
# store); the system bundle is there for NODE_EXTRA_CA_CERTS / --cacert setups that point at it.
cp -L /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"

chmod 1777 "$dir/tmp"
chown 65532:65532 "$dir/home/nonroot" "$dir/certs"
