#!/usr/bin/env bash
# Installs the Debian packages that the pod and the tests need, only when one is missing:
#   ffmpeg, ffprobe -> ffmpeg   aria2c -> aria2   chromium -> chromium   nginx -> nginx
#   turnserver -> coturn   nft -> nftables   openssl -> openssl   ip -> iproute2
#   certutil -> libnss3-tools (a private CA in a browser profile, for the network test)
# Runs `apt-get update` once, then `apt-get install -y --no-install-recommends` of what is
# missing; uses sudo only when not root. nginx and coturn are installed as programs for the
# tests (which start their own instances): no service is left running or enabled. Does
# nothing (and prints nothing with --quiet) when everything is there.
# SWARMTUBE_SKIP_SYSTEM_PACKAGES=1 skips it.
set -euo pipefail

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet|-q) quiet=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-system-packages: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
say() { echo "system packages: $*"; }

if [[ "${SWARMTUBE_SKIP_SYSTEM_PACKAGES:-}" == "1" ]]; then
  [[ $quiet == 1 ]] || say "skipped (SWARMTUBE_SKIP_SYSTEM_PACKAGES=1)"
  exit 0
fi

# command -> package. Commands are looked up in PATH and in the sbin folders (a user's PATH
# often lacks /usr/sbin, where nginx, turnserver, nft and ip live).
commands=(ffmpeg ffprobe aria2c chromium nginx turnserver nft openssl ip certutil)
declare -A package_of=([ffmpeg]=ffmpeg [ffprobe]=ffmpeg [aria2c]=aria2 [chromium]=chromium
  [nginx]=nginx [turnserver]=coturn [nft]=nftables [openssl]=openssl [ip]=iproute2 [certutil]=libnss3-tools)
have() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 || -x /sbin/$1 ]]; }

missing=()
for command in "${commands[@]}"; do
  if ! have "$command"; then
    package="${package_of[$command]}"
    [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  [[ $quiet == 1 ]] || say "${commands[*]} are installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${missing[*]}, and there is no apt-get here: install them by hand" >&2
  exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    say "missing: ${missing[*]}; installing them needs root or sudo" >&2
    exit 1
  fi
  sudo=(sudo)
fi

apt_quiet=(-q)
[[ $quiet == 1 ]] && apt_quiet=(-qq)
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS

# Debian's postinst starts nginx (on port 80) and coturn as services. A policy-rc.d that
# answers 101 ("action forbidden") for the time of the install keeps them from starting
# (invoke-rc.d and deb-systemd-invoke both obey it); one already there (containers ship
# one) is left as it is.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# swarmtube install-system-packages: no service starts during this install\nexit 101\n' \
    | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [[ $own_policy == 1 ]]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

say "missing: ${missing[*]}; running apt-get update"
"${sudo[@]}" apt-get update "${apt_quiet[@]}"
say "running apt-get install -y --no-install-recommends ${missing[*]}"
"${sudo[@]}" apt-get install -y --no-install-recommends "${apt_quiet[@]}" "${missing[@]}"

# Not enabled at boot either: the tests run their own nginx and coturn with their own
# configuration, and a server's admin enables them on purpose (docs/deploy.md).
for service in nginx coturn; do
  [[ " ${missing[*]} " == *" ${service} "* ]] || continue
  if [[ -d /run/systemd/system ]]; then
    "${sudo[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  else
    [[ -x /etc/init.d/$service ]] && "${sudo[@]}" /etc/init.d/"$service" stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null 2>&1 && "${sudo[@]}" update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
done

for command in "${commands[@]}"; do
  if ! have "$command"; then
    say "$command is still missing after the install" >&2
    exit 1
  fi
done
say "installed ${missing[*]} in $((SECONDS - start)) s"
