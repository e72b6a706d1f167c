"""Can this machine render Tandem's PDF reports?  Checked before anything imports WeasyPrint.

Without its shared libraries WeasyPrint fails at import with a traceback, and without the
HarfBuzz subset library it only warns, which the test suite (warnings are errors) turns into
a collection error. scripts/test and scripts/demo run this first, CI runs it right after
installing the packages and the Docker build runs it after its apt-get: it loads each library
under the names WeasyPrint itself tries (weasyprint/text/ffi.py), asks fontconfig for an
Arabic font of the report stylesheet's stack, and when something is missing names it and
prints the one command that installs the list in scripts/system-packages.

Standard library only: it runs with the system Python, before .venv has any packages.

    python3 scripts/preflight.py                 check; exit 1 with the install command
    python3 scripts/preflight.py --check-list    also: on Debian, every library and font
                                                 found comes from the `runtime` group
    --library KEY=NAME[,NAME]  check other names for one library (tests pass a bogus one);
    TANDEM_PREFLIGHT_LIBRARIES="KEY=NAME;KEY=NAME" does the same through scripts/test.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
SYSTEM_PACKAGES = SCRIPTS / "system-packages"


@dataclass(frozen=True)
class Library:
    key: str
    names: tuple[str, ...]  # WeasyPrint's names for it, in its order
    debian: str  # the package that ships it on Debian / Ubuntu
    brew: str  # the Homebrew formula that ships it


# weasyprint/text/ffi.py (WeasyPrint 62-70): _dlopen(ffi, *names) for each of these.
# harfbuzz-vector is optional there (allow_fail, no warning), so it is not checked.
LIBRARIES: tuple[Library, ...] = (
    Library(
        "gobject",
        (
            "libgobject-2.0-0",
            "gobject-2.0-0",
            "gobject-2.0",
            "libgobject-2.0.so.0",
            "libgobject-2.0.0.dylib",
            "libgobject-2.0-0.dll",
        ),
        "libglib2.0-0",
        "glib",
    ),
    Library(
        "pango",
        (
            "libpango-1.0-0",
            "pango-1.0-0",
            "pango-1.0",
            "libpango-1.0.so.0",
            "libpango-1.0.dylib",
            "libpango-1.0-0.dll",
        ),
        "libpango-1.0-0",
        "pango",
    ),
    Library(
        "harfbuzz",
        (
            "libharfbuzz-0",
            "harfbuzz",
            "harfbuzz-0.0",
            "libharfbuzz.so.0",
            "libharfbuzz.0.dylib",
            "libharfbuzz-0.dll",
        ),
        "libharfbuzz0b",
        "harfbuzz",
    ),
    Library(
        "harfbuzz-subset",
        (
            "libharfbuzz-subset-0",
            "harfbuzz-subset",
            "harfbuzz-subset-0.0",
            "libharfbuzz-subset.so.0",
            "libharfbuzz-subset.0.dylib",
            "libharfbuzz-subset-0.dll",
        ),
        "libharfbuzz-subset0",
        "harfbuzz",
    ),
    Library(
        "fontconfig",
        (
            "libfontconfig-1",
            "fontconfig-1",
            "fontconfig",
            "libfontconfig.so.1",
            "libfontconfig.1.dylib",
            "libfontconfig-1.dll",
        ),
        "libfontconfig1",
        "fontconfig",
    ),
    Library(
        "pangoft2",
        (
            "libpangoft2-1.0-0",
            "pangoft2-1.0-0",
            "pangoft2-1.0",
            "libpangoft2-1.0.so.0",
            "libpangoft2-1.0.dylib",
            "libpangoft2-1.0-0.dll",
        ),
        "libpangoft2-1.0-0",
        "pango",
    ),
)

# saas/static/report.css: html[lang="ar"] { font-family: "Noto Naskh Arabic", "Noto Sans
# Arabic", "DejaVu Sans", sans-serif }. One of them, covering Arabic, is enough.
ARABIC_FONTS: tuple[str, ...] = ("Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans")
FONT_PACKAGES = "fonts-noto-core or fonts-dejavu-core"
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "/opt/homebrew/share/fonts",
)


@dataclass
class Report:
    libraries: dict[str, str | None] = field(default_factory=dict)  # key -> loaded name
    tried: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> names tried
    fonts: dict[str, list[str]] = field(default_factory=dict)  # family -> files

    @property
    def missing_libraries(self) -> list[Library]:
        return [lib for lib in LIBRARIES if self.libraries.get(lib.key) is None]

    @property
    def arabic_font(self) -> str | None:
        return next((family for family, files in self.fonts.items() if files), None)


# --- libraries ---------------------------------------------------------------------------


def load_library(names: Sequence[str]) -> str | None:
    """The name under which one of `names` loads, as WeasyPrint (through cffi) loads it.

    cffi's ffi.dlopen(name) dlopens a name containing a dot or slash, then falls back to
    ctypes.util.find_library(name). The outcome is the same whichever name wins, so the
    cheap direct loads go first and find_library (which may run ldconfig or gcc) after.
    """
    mode = getattr(os, "RTLD_NOW", 0) | getattr(os, "RTLD_LOCAL", 0)
    for name in names:
        if "." in name or "/" in name:
            try:
                ctypes.CDLL(name, mode=mode)
            except OSError:
                continue
            return name
    for name in names:
        found = ctypes.util.find_library(name)
        if not found:
            continue
        try:
            ctypes.CDLL(found, mode=mode)
        except OSError:
            continue
        return found
    return None


def loaded_path(name: str) -> str | None:
    """The file behind a library this process loaded (Linux: /proc/self/maps)."""
    maps = Path("/proc/self/maps")
    if "/" in name:
        return str(Path(name).resolve())
    if not maps.exists():
        return None
    for line in maps.read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/") and Path(fields[5]).name.startswith(name):
            return fields[5]
    return None


# --- fonts -------------------------------------------------------------------------------


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


def fontconfig_files(library: str, families: Iterable[str]) -> dict[str, list[str]]:
    """The font files fontconfig (what WeasyPrint uses) knows for each family, for Arabic."""
    fc = ctypes.CDLL(library)
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcPatternGetString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_char_p),
    ]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    fc.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    fc.FcConfigDestroy.argtypes = [ctypes.c_void_p]

    config = fc.FcInitLoadConfigAndFonts()
    objects = fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(objects, b"file")
    found: dict[str, list[str]] = {}
    try:
        for family in families:
            pattern = fc.FcNameParse(f"{family}:lang=ar".encode())
            fonts = fc.FcFontList(config, pattern, objects)
            files = []
            if fonts:
                for i in range(fonts.contents.nfont):
                    value = ctypes.c_char_p()
                    if fc.FcPatternGetString(fonts.contents.fonts[i], b"file", 0, value) == 0:
                        files.append(os.fsdecode(value.value))
                fc.FcFontSetDestroy(fonts)
            fc.FcPatternDestroy(pattern)
            found[family] = sorted(files)
    finally:
        fc.FcObjectSetDestroy(objects)
        if config:
            fc.FcConfigDestroy(config)
    return found


def font_files_on_disk(families: Iterable[str]) -> dict[str, list[str]]:
    """Without fontconfig: look for the families' files where fonts are usually kept."""
    found: dict[str, list[str]] = {}
    for family in families:
        stem = family.replace(" ", "")
        files = set()
        for folder in FONT_DIRS:
            root = Path(folder).expanduser()
            if root.is_dir():
                for suffix in ("ttf", "otf", "ttc"):
                    files.update(str(p) for p in root.rglob(f"{stem}-*.{suffix}"))
                    files.update(str(p) for p in root.rglob(f"{stem}.{suffix}"))
        found[family] = sorted(files)
    return found


# --- the package list --------------------------------------------------------------------


def packages(group: str) -> list[str]:
    """A group of scripts/system-packages."""
    try:
        out = subprocess.run(  # noqa: S603 - our own script, a fixed group name
            ["bash", str(SYSTEM_PACKAGES), group],  # noqa: S607 - bash from PATH
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"preflight: cannot read {SYSTEM_PACKAGES} {group}: {exc}") from exc
    return out.split()


def install_commands(runtime: Sequence[str]) -> list[tuple[str, str]]:
    sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
    return [
        ("Debian / Ubuntu", f"{sudo}apt-get install {' '.join(runtime)}"),
        ("macOS (Homebrew)", f"brew install {' '.join(packages('brew'))}"),
    ]


# --- --check-list: is the list complete on its own? --------------------------------------


def _dpkg_installed() -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Installed packages' dependency groups, and which installed packages provide a name."""
    out = subprocess.run(
        [  # noqa: S607 - dpkg-query from PATH
            "dpkg-query",
            "-W",
            "-f=${Package}\t${db:Status-Abbrev}\t${Provides}\t${Pre-Depends}, ${Depends}\n",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    depends: dict[str, list[str]] = {}
    providers: dict[str, set[str]] = {}
    for line in out.splitlines():
        name, status, provides, deps = (line.split("\t") + ["", "", ""])[:4]
        if not status.startswith("ii"):
            continue
        depends.setdefault(name, []).extend(g for g in deps.split(",") if g.strip())
        providers.setdefault(name, set()).add(name)
        for item in provides.split(","):
            if item.strip():
                providers.setdefault(_bare(item), set()).add(name)
    return depends, providers


def _bare(item: str) -> str:
    """'libc6:any (>= 2.34)' -> 'libc6'."""
    return re.split(r"[\s:(]", item.strip(), maxsplit=1)[0]


def dependency_closure(roots: Iterable[str]) -> set[str]:
    """The installed packages that `roots` bring in through Depends and Pre-Depends."""
    depends, providers = _dpkg_installed()
    seen: set[str] = set()
    todo = [p for root in roots for p in providers.get(root, ())]
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        seen.add(pkg)
        for group in depends.get(pkg, ()):
            for alternative in group.split("|"):
                todo.extend(providers.get(_bare(alternative), ()))
    return seen


def owners(path: str) -> set[str]:
    """The installed packages that ship `path` (its resolved name or the link to it)."""
    names = {Path(path).name, Path(path).resolve().name}
    result = subprocess.run(  # noqa: S603 - file names, no shell
        ["dpkg-query", "-S", *sorted(names)],  # noqa: S607 - dpkg-query from PATH
        capture_output=True,
        text=True,
    )
    found = set()
    for line in result.stdout.splitlines():
        pkgs, _, shipped = line.partition(": ")
        if Path(shipped.strip()).name in names:
            found.update(_bare(p) for p in pkgs.split(","))
    return found


def check_list(report: Report, runtime: Sequence[str]) -> list[str]:
    """What the machine has only because something outside `runtime` brought it."""
    if not shutil.which("dpkg-query"):
        return ["--check-list needs dpkg-query (Debian / Ubuntu)"]
    closure = dependency_closure(runtime)
    problems = []
    for lib in LIBRARIES:
        name = report.libraries.get(lib.key)
        path = name and loaded_path(name)
        if not path:
            continue
        shipped_by = owners(path)
        if not shipped_by & closure:
            problems.append(
                f"{lib.key} ({Path(path).name}) comes from {', '.join(sorted(shipped_by)) or '?'}"
                f", which the runtime list does not install (add {lib.debian} to it)"
            )
    for family, files in report.fonts.items():
        if not files:
            continue
        shipped_by = set().union(*(owners(f) for f in files))
        if not shipped_by & closure:
            problems.append(
                f'the font "{family}" comes from {", ".join(sorted(shipped_by)) or "?"}'
                ", which the runtime list does not install"
            )
    return problems


# --- the check ---------------------------------------------------------------------------


def check(
    overrides: dict[str, tuple[str, ...]] | None = None,
    arabic_fonts: Sequence[str] = ARABIC_FONTS,
) -> Report:
    overrides = overrides or {}
    report = Report()
    for lib in LIBRARIES:
        report.tried[lib.key] = overrides.get(lib.key, lib.names)
        report.libraries[lib.key] = load_library(report.tried[lib.key])
    fontconfig = report.libraries.get("fontconfig")
    if fontconfig:
        try:
            report.fonts = fontconfig_files(fontconfig, arabic_fonts)
        except (OSError, AttributeError):  # a fontconfig without the calls made here
            fontconfig = None
    if not fontconfig:  # then WeasyPrint cannot start anyway: say which fonts are missing too
        report.fonts = font_files_on_disk(arabic_fonts)
    return report


def render_failure(report: Report, runtime: Sequence[str], arabic_fonts: Sequence[str]) -> str:
    lines = [
        "Tandem cannot render PDF reports on this machine: "
        "WeasyPrint's system libraries or fonts are missing.",
        "",
    ]
    for lib in report.missing_libraries:
        tried = report.tried.get(lib.key, lib.names)
        suffix = ".dylib" if sys.platform == "darwin" else ".so"
        soname = next((n for n in tried if suffix in n), tried[0] if tried else lib.key)
        lines.append(
            f"  missing library  {lib.key}: {soname} "
            f"(Debian/Ubuntu package {lib.debian}; Homebrew {lib.brew})"
        )
    if report.arabic_font is None:
        lines.append(
            f"  missing font     an Arabic font: {' or '.join(arabic_fonts)} "
            f"(Debian/Ubuntu package {FONT_PACKAGES})"
        )
    lines += ["", "Install them with one command, then run this again:", ""]
    for label, command in install_commands(runtime):
        lines.append(f"  {label + ':':<18} {command}")
    lines += [
        "",
        "(The list is scripts/system-packages; this check is scripts/preflight.py.)",
    ]
    return "\n".join(lines)


def _parse_overrides(items: Iterable[str]) -> dict[str, tuple[str, ...]]:
    keys = {lib.key for lib in LIBRARIES}
    overrides = {}
    for item in items:
        key, sep, names = item.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            raise SystemExit(
                f"preflight: --library wants KEY=NAME[,NAME] with KEY one of {sorted(keys)}"
            )
        overrides[key] = tuple(n.strip() for n in names.split(",") if n.strip())
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/preflight.py",
        description="Check that WeasyPrint's libraries and an Arabic font are installed.",
    )
    parser.add_argument(
        "--library",
        action="append",
        default=[],
        metavar="KEY=NAME[,NAME]",
        help="check these names for one library instead of WeasyPrint's",
    )
    parser.add_argument(
        "--arabic-font",
        action="append",
        metavar="FAMILY",
        help="accept this family as the Arabic font (repeatable)",
    )
    parser.add_argument(
        "--runtime-packages",
        metavar="NAMES",
        help="use this space-separated list instead of `scripts/system-packages runtime`",
    )
    parser.add_argument(
        "--check-list",
        action="store_true",
        help="on Debian: fail when a library or font found comes from outside the list",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)

    env = os.environ.get("TANDEM_PREFLIGHT_LIBRARIES", "")
    overrides = _parse_overrides([*filter(None, env.split(";")), *args.library])
    arabic_fonts = tuple(args.arabic_font or ARABIC_FONTS)
    runtime = args.runtime_packages.split() if args.runtime_packages else packages("runtime")

    report = check(overrides, arabic_fonts)
    if report.missing_libraries or report.arabic_font is None:
        print(render_failure(report, runtime, arabic_fonts), file=sys.stderr)
        return 1
    if args.check_list:
        problems = check_list(report, runtime)
        if problems:
            print(
                "The system package list is incomplete: this machine renders PDFs only because "
                "other packages brought in what the list leaves out.\n\n"
                + "\n".join(f"  {p}" for p in problems)
                + "\n\nFix the `runtime` group in scripts/system-packages.",
                file=sys.stderr,
            )
            return 1
    if not args.quiet:
        libs = ", ".join(lib.key for lib in LIBRARIES)
        listed = " (all from the runtime list)" if args.check_list else ""
        print(
            f"==> Preflight: WeasyPrint's libraries ({libs}) and an Arabic font "
            f"({report.arabic_font}) are present{listed}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
