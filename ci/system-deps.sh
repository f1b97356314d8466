#!/usr/bin/env bash
# What `make test` needs from the system, beyond Python: bubblewrap (the grader's sandbox).
# PostgreSQL comes from PyPI (the pgserver wheel, in the dev extras). Installed with apt-get
# when this user is root or may sudo without a password; otherwise one line says what to run.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "make test needs ${need[*]} (the grader's sandbox), which only Linux has: install it with your system's package manager" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "make test needs ${need[*]} (the grader's sandbox): run  sudo apt-get install -y ${need[*]}  then make test again" >&2
  exit 1
fi
echo "installing ${need[*]} (the grader's sandbox) with apt-get ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
