#!/usr/bin/env bash
# Prints the closing lines of `make test`: bundle size, Playwright, Schemathesis, Rust, and a total.
set -euo pipefail
logs=${1:-.make}
echo
echo "== summary"
grep '^first load:' "$logs/size.log" || true
e2e_passed=$(grep -Eo '^ *[0-9]+ passed' "$logs/e2e.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
e2e_failed=$(grep -Eo '^ *[0-9]+ failed' "$logs/e2e.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
echo "playwright: $e2e_passed passed, $e2e_failed failed"
# Schemathesis's count of cases, e.g. "4781 generated, 4781 passed".
echo "schemathesis: $(grep -Eo '^ *[0-9]+ generated, .*' "$logs/schemathesis.log" | tail -1 | sed 's/^ *//' || echo 'not run')"
rust_passed=0
rust_failed=0
while read -r passed failed; do
  rust_passed=$((rust_passed + passed))
  rust_failed=$((rust_failed + failed))
done < <(sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$logs/cargo-test.log")
grep '^test result:' "$logs/cargo-test.log" | sed 's/^/cargo /'
echo "rust: $rust_passed passed, $rust_failed failed"
echo "total: $((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"
