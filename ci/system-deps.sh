#!/usr/bin/env bash
# What `make test` needs from the system, beyond Python: bubblewrap (the grader's sandbox),
# and Chromium for the browser test of the learner's path (that test skips, saying why, where
# Chromium cannot be installed). PostgreSQL comes from PyPI (the pgserver wheel, in the dev
# extras). Installed with apt-get when this user is root or may sudo without a password;
# otherwise one line says what to run.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
optional=()
command -v chromium >/dev/null 2>&1 || optional+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  if [ ${#optional[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 \
      && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
    s=""; [ "$(id -u)" -eq 0 ] || s="sudo -n"
    echo "installing ${optional[*]} (for the browser test) with apt-get ..."
    { $s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq \
        --no-install-recommends "${optional[@]}" >/dev/null; } \
      || echo "could not install ${optional[*]}: the browser test will be skipped" >&2
  fi
  exit 0
fi

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
echo "installing ${need[*]} ${optional[*]} with apt-get ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ ${#optional[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null \
    || echo "could not install ${optional[*]}: the browser test will be skipped" >&2
fi
