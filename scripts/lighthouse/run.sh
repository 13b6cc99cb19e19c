#!/usr/bin/env bash
# Lighthouse (mobile profile) on the home, remedy, evidence and ailment pages of
# a production-like server with the demo content; writes docs/lighthouse.md.
#
#   scripts/lighthouse/run.sh            all four pages, three runs each
#   RUNS=5 PORT=8799 scripts/lighthouse/run.sh
#
# Scores vary from run to run with the machine's load (Lighthouse's own advice
# is to take the median of several runs): each page is run RUNS times and the
# run with the median performance score is reported, with every run's score.
#
# Needs Node 18.16+ and npm (Lighthouse is installed from the npm registry into
# scripts/lighthouse/node_modules, pinned by package-lock.json, ignored by git),
# and Debian's Chromium: CHROME_PATH (default /usr/bin/chromium). It never
# downloads a browser. The server is gunicorn with DEBUG off, a throwaway
# SECRET_KEY, no https redirect, hashed and compressed static files served by
# WhiteNoise, and an SQLite database in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/scripts/lighthouse
PORT=${PORT:-8799}
RUNS=${RUNS:-3}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
PAGES=(
  "Home|/"
  "Remedy|/remedies/physical-therapy-stretches/"
  "Evidence|/remedies/physical-therapy-stretches/for/sciatica/"
  "Ailment|/ailments/sciatica/"
)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

[ -x "$CHROME_PATH" ] || { echo "No Chromium at $CHROME_PATH: apt-get install chromium" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is needed: apt-get install npm" >&2; exit 1; }

if [ ! -x "$HERE/node_modules/.bin/lighthouse" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  say "Installing Lighthouse into scripts/lighthouse/node_modules"
  npm ci --prefix "$HERE" --ignore-scripts --no-audit --no-fund --loglevel=error
fi
LIGHTHOUSE=$HERE/node_modules/.bin/lighthouse

./dev setup
TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY="lighthouse-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export DATABASE_URL="sqlite:///$TMP/lighthouse.sqlite3"
unset REDIS_URL
PY=.venv/bin/python

say "A production-like server with the demo content on 127.0.0.1:$PORT"
$PY manage.py migrate --no-input --verbosity 0
$PY manage.py createcachetable
$PY manage.py load_demo >/dev/null
$PY manage.py collectstatic --no-input --verbosity 0
.venv/bin/gunicorn remedies_site.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
SERVER_PID=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null

COMMAND="CHROME_PATH=$CHROME_PATH lighthouse URL --form-factor=mobile --only-categories=performance,accessibility,best-practices,seo --chrome-flags=\"$CHROME_FLAGS\" --output=json"
for entry in "${PAGES[@]}"; do
  name=${entry%%|*}
  path=${entry#*|}
  for run in $(seq "$RUNS"); do
    say "Lighthouse: $name ($path), run $run of $RUNS"
    # Now and then Chromium's trace misses the navigation (NO_NAVSTART): try again.
    for attempt in 1 2 3; do
      if "$LIGHTHOUSE" "http://127.0.0.1:$PORT$path" \
        --form-factor=mobile \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="$CHROME_FLAGS" \
        --output=json --output-path="$TMP/$name-$run.json" --quiet; then
        break
      fi
      [ "$attempt" = 3 ] && exit 1
      say "Lighthouse failed; trying again"
    done
  done
done

say "Writing docs/lighthouse.md"
{
  echo "# Lighthouse scores"
  echo
  echo "Lighthouse's mobile profile (a throttled mid-range phone on a slow 4G"
  echo "connection, simulated) on a production-like server with the demo content:"
  echo "gunicorn, \`DEBUG=0\`, hashed and compressed static files served by"
  echo "WhiteNoise, SQLite. Made by \`scripts/lighthouse/run.sh\`; run it again to"
  echo "update this page. Aims: performance at least 95, accessibility 100, best"
  echo "practices 100, SEO 100. Performance depends on how busy the machine is (the"
  echo "load is given below: on a 2-core machine, a load above 2 means other work"
  echo "was waiting for a core, and total blocking time grows with it); the other"
  echo "three scores do not."
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(uname -sr)"
  echo "- Lighthouse $("$LIGHTHOUSE" --version), $("$CHROME_PATH" --version 2>/dev/null), Node $(node --version), $($PY --version), Django $($PY -c 'import django; print(django.get_version())')"
  echo "- Command, $RUNS times for each page (the run with the median performance score is shown): \`$COMMAND\`"
  echo "- Load on the machine while it ran (1, 5, 15 minutes): $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  node "$HERE/scores.mjs" "$TMP" "$RUNS" "${PAGES[@]}"
} >docs/lighthouse.md
cat docs/lighthouse.md
