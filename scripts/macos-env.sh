# Sourced by scripts/test and scripts/demo.  On macOS, WeasyPrint finds Homebrew's pango
# only if the dynamic loader looks in Homebrew's lib folder: /opt/homebrew/lib on Apple
# silicon is not on dyld's default path (/usr/local/lib on Intel Macs is).
if [[ "$(uname -s)" == "Darwin" && -z "${DYLD_FALLBACK_LIBRARY_PATH:-}" ]]; then
  for _prefix in "$(brew --prefix 2>/dev/null || true)" /opt/homebrew /usr/local; do
    if [[ -n "$_prefix" && -d "$_prefix/lib" ]]; then
      export DYLD_FALLBACK_LIBRARY_PATH="$_prefix/lib:/usr/local/lib:/usr/lib"
      break
    fi
  done
  unset _prefix
fi
