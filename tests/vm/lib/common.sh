# Shared by the VM harness's shell scripts (sourced, not executed).
# shellcheck shell=bash
XENHOST_CACHE=${XENHOST_CACHE:-$HOME/.cache/xenhost-dom0}
# One ed25519 key per cache: baked into every image as root's authorized key.
XENHOST_KEY=$XENHOST_CACHE/ssh/id_ed25519
export XENHOST_CACHE XENHOST_KEY
# Added to every test VM's kernel command line (tests/vm/README.md, "CPU vulnerability mitigations"): under TCG,
# the page-table isolation Linux turns on for QEMU's Intel CPU model flushes QEMU's whole software TLB at every
# kernel entry and exit. Test speed only: the collection neither reads nor depends on it.
XENHOST_VM_KERNEL_SPEED="mitigations=off"
export XENHOST_VM_KERNEL_SPEED

log() { printf '\033[1m[vm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[vm] error:\033[0m %s\n' "$*" >&2; exit 1; }
need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "'$c' not found: run scripts/setup (installs tests/vm/host-packages.txt)"
    done
}
ensure_ssh_key() {
    if [ ! -f "$XENHOST_KEY" ]; then
        mkdir -p "$(dirname "$XENHOST_KEY")"
        chmod 700 "$(dirname "$XENHOST_KEY")"
        ssh-keygen -q -t ed25519 -N '' -C xenhost-dom0-test-vm -f "$XENHOST_KEY"
    fi
}
