#!/usr/bin/env bash
# Builds the docs site into output/: the library in Release, then fsdocs with every F# snippet
# evaluated (the pages #r the built assemblies and run the built examples). Fails when a page
# doesn't compile, when any snippet throws, when a page shows a value that wasn't computed,
# when a local link or image is broken, or when a public type has no API reference page.
#   bash docs/build.sh                 # site in output/, served from / (python3 -m http.server -d output)
#   DOCS_ROOT=/Hybrid/ bash docs/build.sh   # for a site served under /Hybrid/
#   bash docs/build.sh --no-build      # reuse the Release build already there (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build=1
[ "${1:-}" = "--no-build" ] && build=0

dotnet tool restore >/dev/null
if [ "$build" = 1 ]; then
    dotnet build Hybrid.sln -c Release -v quiet -nologo
fi

out="$PWD/output"
rm -rf "$out"
export HYBRID_DOCS_OUTPUT="$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# 1. Every page as a plain script, all in one F# Interactive session: any exception fails here
#    (fsdocs itself only reports compile errors; a snippet that throws would just lose its output).
pages=$(ls docs/*.fsx)
runner=$(mktemp --suffix=.fsx)
trap 'rm -f "$log" "$runner"' EXIT
for p in $pages; do echo "#load \"$PWD/$p\""; done > "$runner"
if ! dotnet fsi --quiet "$runner" >"$log" 2>&1; then
    cat "$log"
    echo "docs: a page failed when run as a script (above)" >&2
    exit 1
fi

# 2. The site: pages evaluated, API reference from the XML docs of the four packages.
if ! dotnet fsdocs build --eval --strict \
        --properties Configuration=Release \
        --projects "$PWD/src/Backends/Hybrid.Backends.csproj" "$PWD/src/Core.FSharp/Hybrid.Core.fsproj" \
                   "$PWD/src/Testing.FSharp/Hybrid.Testing.fsproj" "$PWD/src/Api.CSharp/Hybrid.csproj" \
        --parameters root "${DOCS_ROOT:-/}" fsdocs-collection-name Hybrid \
        --output "$out" >"$log" 2>&1; then
    cat "$log"
    echo "docs: fsdocs failed (above)" >&2
    exit 1
fi

# 3. A snippet whose evaluation failed shows this instead of its value.
if grep -l "No value returned by any evaluator" "$out"/*.html; then
    echo "docs: the pages above show a value that failed to evaluate" >&2
    exit 1
fi

# 4. Reference pages for types nested in C# classes (fsdocs skips them), then the checks: no
#    broken local link or image, and a reference page for every public type of the packages.
dotnet fsi --quiet docs/.include/NestedTypes.fsx "$out"
dotnet fsi --quiet docs/.include/CheckSite.fsx "$out" "${DOCS_ROOT:-/}"
echo "docs: site in $out ($(find "$out" -name '*.html' | wc -l) pages)"
