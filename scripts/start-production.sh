#!/bin/sh
# Starts one pod from a built tree, as a server runs it (deploy/systemd/swarmtube.service):
#   scripts/start-production.sh --config /etc/swarmtube/pod.yaml
# Unlike `npm run pod` it installs nothing, builds nothing and needs no dev dependencies (the
# tree may be pruned with `npm prune --omit=dev` after the build). It runs the project's Node
# (.node/, brought by `npm run bootstrap`) when there is one, else the `node` on PATH.
# Exit code 2: no build, or a configuration error (the pod's own exit code 2).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
main="$root/dist/apps/pod/src/main.js"
if [ ! -f "$main" ]; then
  echo "swarmtube: $main is missing: build the tree first (npm run build; docs/deploy.md)" >&2
  exit 2
fi
node=""
for candidate in "$root"/.node/node-v*/bin/node; do
  [ -x "$candidate" ] && node="$candidate"
done
if [ -z "$node" ]; then
  node=$(command -v node || true)
fi
if [ -z "$node" ]; then
  echo "swarmtube: no Node: run npm run bootstrap once (it brings the project's Node into .node/) or install Node 24" >&2
  exit 2
fi
exec "$node" --enable-source-maps "$main" "$@"
