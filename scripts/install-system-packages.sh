#!/usr/bin/env bash
# Installs the Debian packages that the pod and the tests need, only when one is missing:
#   ffmpeg, ffprobe -> ffmpeg    aria2c -> aria2    chromium -> chromium
# Runs `apt-get update` once, then `apt-get install -y --no-install-recommends` of what is
# missing; uses sudo only when not root. Does nothing (and prints nothing with --quiet) when
# everything is there. SWARMTUBE_SKIP_SYSTEM_PACKAGES=1 skips it.
set -euo pipefail

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet|-q) quiet=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-system-packages: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
say() { echo "system packages: $*"; }

if [[ "${SWARMTUBE_SKIP_SYSTEM_PACKAGES:-}" == "1" ]]; then
  [[ $quiet == 1 ]] || say "skipped (SWARMTUBE_SKIP_SYSTEM_PACKAGES=1)"
  exit 0
fi

declare -A package_of=([ffmpeg]=ffmpeg [ffprobe]=ffmpeg [aria2c]=aria2 [chromium]=chromium)
missing=()
for command in ffmpeg ffprobe aria2c chromium; do
  if ! command -v "$command" >/dev/null 2>&1; then
    package="${package_of[$command]}"
    [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  [[ $quiet == 1 ]] || say "ffmpeg, ffprobe, aria2c and chromium are installed"
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
say "missing: ${missing[*]}; running apt-get update"
"${sudo[@]}" apt-get update "${apt_quiet[@]}"
say "running apt-get install -y --no-install-recommends ${missing[*]}"
"${sudo[@]}" apt-get install -y --no-install-recommends "${apt_quiet[@]}" "${missing[@]}"

for command in ffmpeg ffprobe aria2c chromium; do
  if ! command -v "$command" >/dev/null 2>&1; then
    say "$command is still missing after the install" >&2
    exit 1
  fi
done
say "installed ${missing[*]} in $((SECONDS - start)) s"
