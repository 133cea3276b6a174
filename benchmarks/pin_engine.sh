#!/usr/bin/env bash
# Pin the engine to one commit for a long benchmark run, so edits in the working tree during
# the run cannot mix versions.  Exports knowledge/ and bot/ of REV (default HEAD) to a
# temporary folder and makes a light venv there that reuses the project venv's packages
# (without its editable install), with its own `innoprom-bot`.  Prints the python to use:
#
#   PY=$(benchmarks/pin_engine.sh) && $PY benchmarks/bench_scale.py --sizes 5,100,1000,10000
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$(git rev-parse --short "${1:-HEAD}")
dir=${TMPDIR:-/tmp}/innoprom-engine-$rev
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
base=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
rm -rf "$dir"
mkdir -p "$dir/src"
git archive "$rev" knowledge bot | tar -x -C "$dir/src"
"$base" -m venv --without-pip "$dir/venv"
pysite=$("$dir/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n%s\n' "$dir/src" "$site" > "$pysite/innoprom_pinned.pth"
# the same shape as pip's console script (the __main__ guard matters: the build's spawned
# worker processes re-import this file)
cat > "$dir/venv/bin/innoprom-bot" <<EOF
#!$dir/venv/bin/python
import sys
from bot.cli import main
if __name__ == "__main__":
    sys.exit(main())
EOF
chmod +x "$dir/venv/bin/innoprom-bot"
(cd / && "$dir/venv/bin/python" -c 'import knowledge, sys; assert knowledge.__file__.startswith(sys.argv[1])' "$dir/src")
echo "$dir/venv/bin/python"
