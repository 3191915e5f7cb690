#!/usr/bin/env bash
# Debian packages the tests use: botocore's service models (to check traced AWS requests) and Chromium (the run
# report's browser test, packages/report/test/browser.test.ts).
set -uo pipefail
need=()
[ -d /usr/lib/python3/dist-packages/botocore/data ] || need+=(python3-botocore)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "ci: missing Debian packages ${need[*]} (install them with apt-get)" >&2
    exit 1
  fi
fi
