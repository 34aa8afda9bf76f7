#!/usr/bin/env bash
# Installs the ghcr-doctor release binary for this machine:
#
#   curl -fsSL https://raw.githubusercontent.com/ghcr-doctor/ghcr-doctor/main/scripts/install.sh | bash
#
# Settings (environment):
#   GHCR_DOCTOR_VERSION       the release, e.g. 1.2.3 or v1.2.3 (default: the latest release)
#   GHCR_DOCTOR_DOWNLOAD_URL  the base URL of that release's assets (default: the release on
#                             GitHub); it holds ghcr-doctor-<target>.tar.gz (.zip on Windows)
#                             and SHA256SUMS
#   GHCR_DOCTOR_INSTALL_DIR   where the binary goes (default: ~/.local/bin)
#
# The archive is checked against SHA256SUMS before anything is installed; the binary is
# moved into place in one step, so a failed run leaves the previous install untouched.
# Exit codes: 0 installed; 1 failed (checksum, archive, tools, platform); 3 the release or
# its asset does not exist (the GitHub Action then builds from source).
set -euo pipefail

# The project's home: `repository` in Cargo.toml (tests/it/install.rs keeps them equal).
REPOSITORY="ghcr-doctor/ghcr-doctor"

fail() {
  echo "ghcr-doctor install: $1" >&2
  exit "${2:-1}"
}

# The release target of this machine.
detect_target() {
  local os arch
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
  esac
  case "$os/$arch" in
    Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/aarch64) echo aarch64-unknown-linux-musl ;;
    Darwin/x86_64) echo x86_64-apple-darwin ;;
    Darwin/aarch64) echo aarch64-apple-darwin ;;
    MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64 | Windows_NT/x86_64) echo x86_64-pc-windows-msvc ;;
    *)
      fail "no release binary for $os on $arch (there are binaries for Linux x86_64 and aarch64, macOS x86_64 and arm64, Windows x86_64). Build it instead: cargo install ghcr-doctor --locked"
      ;;
  esac
}

# download URL FILE: exit 3 when the server has no such file.
download() {
  local url=$1 out=$2 status
  if command -v curl >/dev/null 2>&1; then
    status=$(curl -sSL --retry 2 -o "$out" -w '%{http_code}' "$url") ||
      fail "cannot download $url (curl failed)"
    case "$status" in
      2??) return 0 ;;
      404 | 410) fail "$url does not exist (HTTP $status): is there a release ${VERSION_LABEL} with this asset?" 3 ;;
      *) fail "cannot download $url (HTTP $status)" ;;
    esac
  elif command -v wget >/dev/null 2>&1; then
    local log
    if ! log=$(wget -q -S -O "$out" "$url" 2>&1); then
      if grep -qE 'HTTP/[0-9.]+ (404|410)' <<<"$log"; then
        fail "$url does not exist: is there a release ${VERSION_LABEL} with this asset?" 3
      fi
      fail "cannot download $url (wget failed)"
    fi
  else
    fail "neither curl nor wget is installed; install one of them"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{print $1}'
  else
    fail "neither sha256sum nor shasum is installed; cannot verify the download"
  fi
}

target=$(detect_target)
version=${GHCR_DOCTOR_VERSION:-latest}
version=${version#v}
if [ "$version" = latest ]; then
  VERSION_LABEL="(latest)"
  default_base="https://github.com/$REPOSITORY/releases/latest/download"
else
  VERSION_LABEL="v$version"
  default_base="https://github.com/$REPOSITORY/releases/download/v$version"
fi
base=${GHCR_DOCTOR_DOWNLOAD_URL:-$default_base}
base=${base%/}
install_dir=${GHCR_DOCTOR_INSTALL_DIR:-${HOME:?HOME is not set; set GHCR_DOCTOR_INSTALL_DIR}/.local/bin}

exe=ghcr-doctor
asset="ghcr-doctor-$target.tar.gz"
if [ "$target" = x86_64-pc-windows-msvc ]; then
  exe=ghcr-doctor.exe
  asset="ghcr-doctor-$target.zip"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ghcr-doctor-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

download "$base/SHA256SUMS" "$tmp/SHA256SUMS"
download "$base/$asset" "$tmp/$asset"

# sha256sum format: "<hex>  <name>" (or "<hex> *<name>" in binary mode).
expected=$(awk -v n="$asset" '$2 == n || $2 == "*" n { print tolower($1); exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS at $base has no line for $asset; nothing was installed"
actual=$(sha256_of "$tmp/$asset")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; nothing was installed"
fi

mkdir -p "$tmp/x"
case "$asset" in
  *.zip)
    command -v unzip >/dev/null 2>&1 || fail "unzip is not installed; cannot unpack $asset"
    unzip -q "$tmp/$asset" -d "$tmp/x" || fail "cannot unpack $asset"
    ;;
  *) tar -xzf "$tmp/$asset" -C "$tmp/x" || fail "cannot unpack $asset" ;;
esac
[ -f "$tmp/x/$exe" ] || fail "$asset has no $exe at its root; nothing was installed"

mkdir -p "$install_dir" || fail "cannot create $install_dir"
# Copy next to the destination, then rename: the install is all or nothing.
staged="$install_dir/.$exe.$$.tmp"
cp "$tmp/x/$exe" "$staged" || fail "cannot write to $install_dir"
chmod 755 "$staged"
mv -f "$staged" "$install_dir/$exe" || { rm -f "$staged"; fail "cannot write $install_dir/$exe"; }

installed=$("$install_dir/$exe" --version 2>/dev/null) || fail "$install_dir/$exe was installed but does not run on this machine"
echo "installed $installed ($target) to $install_dir/$exe"
case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *) echo "note: $install_dir is not on PATH; add it or call $install_dir/$exe" >&2 ;;
esac
