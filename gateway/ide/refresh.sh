#!/usr/bin/env bash
# GraphiQL's files for the development IDE (ADR 0043), fetched again from the npm registry at
# the versions pinned here (npm checks each tarball's integrity): `make graphiql-assets`.
# Writes gateway/ide/assets/, the packages' licences and gateway/ide/assets.sha256, which a
# unit test checks the committed files against. GraphiQL 4 is the last major version with a
# build that runs from a <script> tag (5 is ES modules with Monaco's workers); React 18 is the
# last with UMD files.
set -euo pipefail

GRAPHIQL=4.1.2
REACT=18.3.1

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for package in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir "$package"
  tar -xzf "$package.tgz" -C "$package"
done

rm -f "$here"/assets/*
cp "graphiql-$GRAPHIQL/package/graphiql.min.js" "graphiql-$GRAPHIQL/package/graphiql.min.css" \
  "react-$REACT/package/umd/react.production.min.js" \
  "react-dom-$REACT/package/umd/react-dom.production.min.js" \
  "$here/assets/"
cp "graphiql-$GRAPHIQL/package/LICENSE" "$here/licenses/graphiql.txt"
cp "react-$REACT/package/LICENSE" "$here/licenses/react.txt"
cp "react-dom-$REACT/package/LICENSE" "$here/licenses/react-dom.txt"

{
  echo "# graphiql@$GRAPHIQL, react@$REACT, react-dom@$REACT from the npm registry (refresh.sh)"
  cd "$here/assets" && sha256sum -- *
} >"$here/assets.sha256"
echo "GraphiQL's files are in $here/assets: commit them with assets.sha256."
