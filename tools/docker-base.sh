#!/usr/bin/env bash
# Print the base image for tests/docker/Dockerfile (its BASE_IMAGE build argument), making
# sure it is there. In order:
#   1. WEDOPT_DOCKER_BASE, when set, as it is (docker build pulls it);
#   2. debian:12-slim, when the engine has it or can pull it (a registry is reachable);
#   3. a local Debian 12 image, wedopt-base:bookworm, built once from Debian's archive
#      (debootstrap --variant=minbase from the mirror this machine's apt uses, then
#      `docker import`, about a minute) and reused after: for machines that reach the
#      archive but no registry.
# The local image gets the host's apt sources and local apt settings, so apt-get in the
# container reaches the archive the way it does on the host. Progress goes to stderr.
# `tools/docker-base.sh --mirror` only prints the mirror it would debootstrap from.
set -euo pipefail

REGISTRY_BASE=debian:12-slim
LOCAL_BASE=${WEDOPT_DOCKER_LOCAL_BASE:-wedopt-base:bookworm}
SUITE=bookworm
APT_DIR=${WEDOPT_APT_DIR:-/etc/apt} # another directory only in the tests

say() { echo "wedopt: $*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

apt_source_files() {
  local f
  for f in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list "$APT_DIR"/sources.list.d/*.sources; do
    [ -f "$f" ] && echo "$f"
  done
  return 0
}

# The mirror the host's apt uses for a suite: the first enabled 'deb' entry of the
# one-line (.list) or deb822 (.sources) files.
mirror_of() {
  local f found
  for f in $(apt_source_files); do
    found=$(case "$f" in
      *.sources)
        awk -v suite="$1" '
          function flush() {
            if (!found && types ~ /(^| )deb( |$)/ && (suites " ") ~ (" " suite " ") && enabled != "no" && uri != "")
              { print uri; found = 1 }
            types = suites = uri = enabled = ""
          }
          /^[[:space:]]*$/ { flush(); next }
          /^[[:space:]]*#/ { next }
          tolower($1) == "types:" { $1 = ""; types = $0 }
          tolower($1) == "suites:" { $1 = ""; suites = $0 }
          tolower($1) == "uris:" { uri = $2 }
          tolower($1) == "enabled:" { enabled = tolower($2) }
          END { flush() }' "$f" ;;
      *)
        # deb [options] URI suite components
        sed -E 's/#.*//; s/\[[^]]*\]//' "$f" | awk -v suite="$1" '$1 == "deb" && $3 == suite && !n++ { print $2 }' ;;
    esac)
    if [ -n "$found" ]; then
      echo "$found"
      return 0
    fi
  done
  return 0
}

mirror=$(mirror_of "$SUITE")
if [ "${1:-}" = "--mirror" ]; then
  [ -n "$mirror" ] && echo "$mirror"
  [ -n "$mirror" ]
  exit
fi

if [ -n "${WEDOPT_DOCKER_BASE:-}" ]; then
  echo "$WEDOPT_DOCKER_BASE"
  exit 0
fi
for image in "$REGISTRY_BASE" "$LOCAL_BASE"; do
  if have_image "$image"; then
    echo "$image"
    exit 0
  fi
done
if timeout 120 docker pull -q "$REGISTRY_BASE" >/dev/null 2>&1; then
  echo "$REGISTRY_BASE"
  exit 0
fi
say "$REGISTRY_BASE cannot be pulled; building $LOCAL_BASE from Debian's archive"

if [ -z "$mirror" ]; then
  say "no apt source for Debian $SUITE in $APT_DIR/sources.list{,.d/}"
  say "HINT: set WEDOPT_DOCKER_BASE to a Debian 12 image the engine has or can pull"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  say "debootstrap must run as root; HINT: sudo make docker-base"
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

root=$(mktemp -d /var/tmp/wedopt-base.XXXXXX)
trap 'rm -rf "$root" "$root.log"' EXIT
say "debootstrap --variant=minbase $SUITE from $mirror (about a minute)"
debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -n 20 "$root.log" >&2
  exit 1
}

# apt in the image as on the host: the same sources (their keyrings too) and the host's
# own apt settings (the files of apt.conf.d/ that no package installed: proxies, validity
# checks). Credentials (auth.conf.d/) are left out on purpose: an image is no place for them.
rm -f "$root/etc/apt/sources.list"
for f in $(apt_source_files); do
  cp "$f" "$root/etc/apt/${f#"$APT_DIR"/}"
  sed -nE 's/.*signed-by[:=][[:space:]]*([^] ]+).*/\1/ip' "$f" | while read -r key; do
    if [ -f "$key" ] && [ ! -e "$root$key" ]; then
      mkdir -p "$root$(dirname "$key")"
      cp "$key" "$root$key"
    fi
  done
done
for f in "$APT_DIR"/apt.conf.d/*; do
  if [ -f "$f" ] && [ ! -e "$root/etc/apt/apt.conf.d/${f##*/}" ] && ! dpkg -S "$f" >/dev/null 2>&1; then
    cp "$f" "$root/etc/apt/apt.conf.d/"
  fi
done
for d in trusted.gpg.d preferences.d; do
  for f in "$APT_DIR/$d"/*; do
    [ -f "$f" ] && [ ! -e "$root/etc/apt/$d/${f##*/}" ] && cp "$f" "$root/etc/apt/$d/"
  done
done
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* "$root"/var/log/*.log

say "docker import $LOCAL_BASE"
tar -C "$root" --numeric-owner -c . \
  | docker import --change 'CMD ["bash"]' \
    --message "wedopt: debootstrap --variant=minbase $SUITE $mirror" - "$LOCAL_BASE" >/dev/null
echo "$LOCAL_BASE"
