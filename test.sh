#!/usr/bin/env bash
# Runs the whole test suite and ends with one line: "N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Routing]
set -uo pipefail
cd "$(dirname "$0")"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# Build everything first: the test run alone would not build the executable.
if ! dotnet build Tollgate.sln -nologo -v quiet; then
  echo "The build failed."
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

dotnet test Tollgate.sln --no-build --logger trx --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  count() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(count total); executed=$(count executed)
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + total - executed))
done

if [ "$files" -eq 0 ]; then
  echo "No test results were written (the build or a test host failed)."
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failing test: a test host crashed or a project did not build.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
