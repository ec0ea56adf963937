#!/bin/sh
# Refresh the vendored front-end files from the npm registry, at the pinned
# versions below. Run from anywhere; commit the result. No build step: the
# files are served as they are, embedded in the binary.
set -eu
HTMX_VERSION=2.0.11
ECHARTS_VERSION=6.1.0
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "htmx.org@$HTMX_VERSION" "echarts@$ECHARTS_VERSION" >/dev/null
tar -xzf "htmx.org-$HTMX_VERSION.tgz" package/dist/htmx.min.js package/LICENSE
cp package/dist/htmx.min.js "$here/htmx.min.js"
cp package/LICENSE "$here/htmx.LICENSE"
rm -rf package
tar -xzf "echarts-$ECHARTS_VERSION.tgz" package/dist/echarts.min.js package/LICENSE
cp package/dist/echarts.min.js "$here/echarts.min.js"
cp package/LICENSE "$here/echarts.LICENSE"
printf 'htmx.org %s\necharts %s\n' "$HTMX_VERSION" "$ECHARTS_VERSION" >"$here/VERSIONS"
echo "vendored htmx.org@$HTMX_VERSION and echarts@$ECHARTS_VERSION into $here"
