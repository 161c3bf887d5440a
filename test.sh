#!/usr/bin/env bash
# The README's test command: builds the solution and runs every test (unit, actor, end-to-end, process).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Gateway.sln -c Release --nologo -v quiet
dotnet test Gateway.sln -c Release --no-build --nologo --logger "console;verbosity=normal" "$@"
