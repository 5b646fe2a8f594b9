#!/usr/bin/env bash
# Prepares Synapse's data folder inside the chroot: generates the base config, signing key and
# secrets once, then (every time) renders the templates in this folder over them.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ -e "$INSTALL_MARKER" ] || die "Synapse is not installed (run scripts/homeserver.sh)"
uid="$(awk -F: '$1 == "matrix-synapse" { print $3 ":" $4 }' "$SYNAPSE_ROOT/etc/passwd")"
[ -n "$uid" ] || die "no matrix-synapse user in $SYNAPSE_ROOT/etc/passwd"
mkdir -p "$SYNAPSE_DATA/media_store"
chown "$uid" "$SYNAPSE_DATA" "$SYNAPSE_DATA/media_store"
chmod 700 "$SYNAPSE_DATA"

if [ ! -s "$SYNAPSE_DATA/generated.yaml" ]; then
  log "generating Synapse's base config and signing key"
  chroot --userspec="$uid" "$SYNAPSE_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
    HOME="$SYNAPSE_DATA_IN_ROOT" python3 -m synapse.app.homeserver --generate-config \
    --server-name localhost --report-stats no --config-path "$SYNAPSE_DATA_IN_ROOT/generated.yaml.new" \
    --data-directory "$SYNAPSE_DATA_IN_ROOT" >/dev/null
  mv "$SYNAPSE_DATA/generated.yaml.new" "$SYNAPSE_DATA/generated.yaml"
fi

if [ ! -s "$SYNAPSE_DATA/secrets.env" ]; then
  secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
  {
    echo "SHARED_SECRET=$(secret)"
    echo "AS_TOKEN=$(secret)"
    echo "HS_TOKEN=$(secret)"
  } >"$SYNAPSE_DATA/secrets.env.new"
  mv "$SYNAPSE_DATA/secrets.env.new" "$SYNAPSE_DATA/secrets.env"
fi
# shellcheck disable=SC1091
. "$SYNAPSE_DATA/secrets.env"

render() {
  sed -e "s|@PORT@|$HOMESERVER_PORT|g" -e "s|@DATA@|$SYNAPSE_DATA_IN_ROOT|g" \
    -e "s|@SHARED_SECRET@|$SHARED_SECRET|g" -e "s|@AS_TOKEN@|$AS_TOKEN|g" \
    -e "s|@HS_TOKEN@|$HS_TOKEN|g" "$1" >"$2.new"
  chown "$uid" "$2.new"
  mv "$2.new" "$2"
}
render "$SCRIPTS_DIR/synapse/homeserver.template.yaml" "$SYNAPSE_DATA/msv.yaml"
render "$SCRIPTS_DIR/synapse/appservice.template.yaml" "$SYNAPSE_DATA/appservice.yaml"
render "$SCRIPTS_DIR/synapse/log.template.yaml" "$SYNAPSE_DATA/log.yaml"
# Python code run at Synapse's start (start.sh puts the folder on PYTHONPATH).
mkdir -p "$SYNAPSE_DATA/python"
cp "$SCRIPTS_DIR/synapse/sitecustomize.py" "$SYNAPSE_DATA/python/sitecustomize.py"
chown -R "$uid" "$SYNAPSE_DATA"
