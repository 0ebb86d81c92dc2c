#!/usr/bin/env python3
"""clang-tidy-16 over a compile_commands.json, skipping units already checked clean.

Usage: tidy_incremental.py BUILD_DIR JOBS   (run by scripts/lint.sh)

A unit's cache key is the SHA-256 of clang-tidy's version, .clang-tidy, the
compile command and the unit's preprocessed text, so any change to the unit or
to a header it includes checks it again. Only clean results are cached. The
checkout's and the build directory's paths are taken out of the key first
(they appear in include flags and in __FILE__), so a fresh clone of the same
code elsewhere (CI) finds the units an earlier checkout already checked.
"""
import concurrent.futures
import hashlib
import json
import os
import pathlib
import shlex
import subprocess
import sys
import time

TIDY = "clang-tidy-16"
CLANG = "clang++-16"
# The build's compiler is g++ 12; clang 16 spells C++23 "c++2b" and reports an
# older __cpp_concepts than libstdc++ 12's <expected> asks for (see CMakeLists.txt).
# Compiler warnings are g++'s job (-Werror in the build); -w keeps clang's own
# (which differ: designated initializers, switch coverage) out of the findings,
# while the checks in .clang-tidy and real compile errors still count.
CLANG_ARGS = ["-std=c++2b", "-U__cpp_concepts", "-D__cpp_concepts=202002L", "-w"]


def clang_command(entry):
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [CLANG], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c"):
            skip = True
            continue
        if a.startswith("-std="):
            continue
        out.append(a)
    return out + CLANG_ARGS


def main():
    build_dir, jobs = pathlib.Path(sys.argv[1]).resolve(), int(sys.argv[2])
    repo = pathlib.Path(__file__).resolve().parent.parent
    cache = pathlib.Path(os.environ.get("CHASQUI_TIDY_CACHE", pathlib.Path.home() / ".cache" / "chasqui-tidy"))
    cache.mkdir(parents=True, exist_ok=True)
    config = (repo / ".clang-tidy").read_bytes()
    version = subprocess.run([TIDY, "--version"], capture_output=True, check=True).stdout
    header_filter = "^" + str(repo) + "/(storage|sync|kiosk|cli|bench|tests)/"
    entries = [e for e in json.loads((build_dir / "compile_commands.json").read_text())
               if pathlib.Path(e["file"]).resolve().is_relative_to(repo)
               and not pathlib.Path(e["file"]).resolve().is_relative_to(build_dir)]

    # The build directory first: it usually lies inside the checkout.
    places = [(str(build_dir).encode(), b"<build>"), (str(repo).encode(), b"<repo>")]

    def without_paths(data):
        for path, placeholder in places:
            data = data.replace(path, placeholder)
        return data

    def key(entry):
        command = clang_command(entry)
        pre = subprocess.run(command + ["-E", "-P", entry["file"]], cwd=entry["directory"], capture_output=True)
        if pre.returncode != 0:
            return None  # clang-tidy will report why
        h = hashlib.sha256()
        for part in (version, config, " ".join(command).encode(), pre.stdout):
            h.update(hashlib.sha256(without_paths(part)).digest())
        return h.hexdigest()

    def check(entry):
        k = key(entry)
        if k and (cache / k).exists():
            return entry["file"], True, ""
        run = subprocess.run([TIDY, "-p", str(build_dir), "--quiet", "--header-filter=" + header_filter]
                             + ["--extra-arg=" + a for a in CLANG_ARGS] + [entry["file"]],
                             capture_output=True, text=True)
        findings = [l for l in run.stdout.splitlines() if ": warning: " in l or ": error: " in l]
        if run.returncode == 0 and not findings:
            if k:
                (cache / k).touch()
            return entry["file"], False, ""
        return entry["file"], False, run.stdout + run.stderr

    started = time.monotonic()
    cached = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for file, hit, problem in pool.map(check, entries):
            cached += hit
            if problem:
                failed += 1
                print(f"lint: clang-tidy findings in {os.path.relpath(file, repo)}:\n{problem}", file=sys.stderr)
    print(f"lint: clang-tidy on {len(entries)} units ({cached} unchanged since a clean check), "
          f"{failed} with findings, {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
