#!/usr/bin/env bash
# html-report.sh: the `secmock run --html` report in a real browser.
#
# Runs one passing demo scenario and one scenario that fails on purpose
# (tests/data/html/failing.json) with --html, loads the page in headless
# Chromium, and checks the DOM it built: both scenarios are there, the failing
# step's expected versus got is shown, the hostile scenario name stayed text,
# and the page's own script ran under its Content-Security-Policy. Keeps the
# page, the DOM and a screenshot under OUT_DIR as artefacts.
#
#   tests/browser/html-report.sh SECMOCK SOURCE_DIR OUT_DIR
#
# Exit 0 pass, 1 fail, 77 skip (no /usr/bin/chromium; ci/install-deps --browser
# installs it; CHROMIUM=path overrides the browser).
set -euo pipefail

secmock=${1:?usage: html-report.sh SECMOCK SOURCE_DIR OUT_DIR}
src=${2:?usage: html-report.sh SECMOCK SOURCE_DIR OUT_DIR}
out=${3:?usage: html-report.sh SECMOCK SOURCE_DIR OUT_DIR}
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
    echo "html-report: skipped: '$chromium' is missing (install it with ci/install-deps --browser)"
    exit 77
fi

fail() {
    echo "html-report: $*" >&2
    exit 1
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
page=$out/html-report.html
dom=$out/html-report.dom.html
shot=$out/html-report.png
rm -f "$page" "$dom" "$shot"

rc=0
"$secmock" run "$src/scenarios/demo/fault-once.json" "$src/tests/data/html/failing.json" \
    --no-color --html "$page" >"$out/html-report.run.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "secmock run: expected exit 1 (one scenario fails on purpose), got $rc; see $out/html-report.run.txt"
[ -s "$page" ] || fail "secmock run wrote no '$page'"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile")

timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$page" >"$dom" 2>"$out/chromium.log" ||
    fail "chromium --dump-dom failed; see $out/chromium.log"
timeout 120 "$chromium" "${flags[@]}" --screenshot="$shot" --window-size=1280,2000 \
    "file://$page" >>"$out/chromium.log" 2>&1 || fail "chromium --screenshot failed; see $out/chromium.log"
[ -s "$shot" ] || fail "no screenshot in '$shot'"

expect() {
    grep -qF -- "$1" "$dom" || fail "the page lacks: $1 (DOM in $dom)"
}
expect '<body class="js">'
expect 'demo/fault-once'
expect 'html/items-after-outage-&lt;script&gt;alert(1)&lt;/script&gt;'
expect '<th>expected</th><td>status 200</td>'
expect '<th>got</th><td>503; body: "{"error":{"code":"unavailable","message":"&lt;img src=x onerror=alert(1)&gt;"}}"</td>'
expect 'failed at steps[5] "the outage is over &lt;i&gt;?&lt;/i&gt;" (http)'
expect 'GET /items?after=&lt;x&gt;'
expect 'clock +5m'
expect '1 passed</b>, <b class="fail">1 failed</b>'
n=$(grep -o '<script' "$dom" | wc -l)
[ "$n" -eq 1 ] || fail "expected the page's one script element, found $n"
! grep -qF '<img' "$dom" || fail "an <img> element was injected (DOM in $dom)"
echo "html-report: ok; screenshot $shot"
