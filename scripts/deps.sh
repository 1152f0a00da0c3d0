# Sourced by scripts/demo and scripts/test: installs, from Debian's packages, whatever
# lockorder's build and tests need and the machine lacks. Extra packages: $@.
lockorder_deps() {
  local need=(cmake make g++ libboost1.81-dev catch2 "$@")
  local missing=()
  for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "lockorder: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
