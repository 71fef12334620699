#!/usr/bin/env python3
"""Generates a repository shaped like a real project for ci/bench/git, through `git fast-import`.

About 1,000 files in 50 directories, a target branch with a few hundred commits, 1,000 open pull
requests (refs/pull/<N>/head), each branched from a different point of the target and touching a few
files, and enough other refs (tags, refs/pull/<N>/merge, branches) to reach about 10,000 refs.
It also writes refs/bench/push/<N>: new heads for the first pull requests, which the benchmark "pushes"
between its cold and warm passes. Seeded: the same repository every time.
"""
import os
import random
import subprocess
import sys

FILES = 1000
MAIN_COMMITS = 300
PULLS = 1000
PUSHED = 10
TAGS = 7000
BRANCHES = 990


def main() -> None:
    dest = sys.argv[1]
    rng = random.Random(20261126)
    subprocess.run(["git", "init", "-q", "-b", "main", dest], check=True)
    paths = [f"pkg{d:02d}/module_{i:04d}.py" for i in range(FILES) for d in [i % 50]]
    files = {p: tuple(f"line {j} of {p}: {rng.randrange(10**9)}" for j in range(30)) for p in paths}
    out = []
    mark = 0
    clock = 1_700_000_000

    def blob(lines):
        data = ("\n".join(lines) + "\n").encode()
        return b"data %d\n" % len(data) + data + b"\n"

    def commit(ref, parent_mark, changes, message):
        nonlocal mark, clock
        mark += 1
        clock += 37
        msg = message.encode()
        chunk = [b"commit %s\n" % ref.encode(), b"mark :%d\n" % mark,
                 b"author Bench <bench@example.com> %d +0000\n" % clock,
                 b"committer Bench <bench@example.com> %d +0000\n" % clock,
                 b"data %d\n" % len(msg), msg, b"\n"]
        if parent_mark:
            chunk.append(b"from :%d\n" % parent_mark)
        for path, lines in changes.items():
            chunk.append(b"M 100644 inline %s\n" % path.encode())
            chunk.append(blob(lines))
        out.append(b"".join(chunk))
        return mark

    def edit(snapshot, count):
        changes = {}
        for path in rng.sample(paths, count):
            lines = list(snapshot[path])
            line = rng.randrange(len(lines))
            lines[line] = f"edited {rng.randrange(10**9)}"
            changes[path] = tuple(lines)
        return changes

    snapshots = []  # (mark, files) for each main commit
    head = commit("refs/heads/main", None, files, "initial import")
    snapshots.append((head, dict(files)))
    for i in range(MAIN_COMMITS):
        changes = edit(files, 3)
        files.update(changes)
        head = commit("refs/heads/main", head, changes, f"main change {i}")
        snapshots.append((head, dict(files)))

    pull_marks = {}
    for n in range(1, PULLS + 1):
        base_mark, base_files = snapshots[rng.randrange(len(snapshots) - 60, len(snapshots))]
        changes = edit(base_files, rng.randint(2, 4))
        if rng.random() < 0.3:
            changes[f"pkg{n % 50:02d}/new_{n}.py"] = (f"new file of pull request {n}",)
        pull_marks[n] = commit(f"refs/pull/{n}/head", base_mark, changes, f"pull request {n}")
        if n <= PUSHED:
            more = dict(base_files)
            more.update(changes)
            pushed = commit(f"refs/bench/push/{n}", pull_marks[n], edit(more, 2), f"pull request {n}, second push")
    for n in range(1, PULLS + 1):
        out.append(b"reset refs/pull/%d/merge\nfrom :%d\n\n" % (n, pull_marks[n]))
    for t in range(TAGS):
        out.append(b"reset refs/tags/build-%05d\nfrom :%d\n\n" % (t, snapshots[t % len(snapshots)][0]))
    for b in range(BRANCHES):
        out.append(b"reset refs/heads/topic/%04d\nfrom :%d\n\n" % (b, snapshots[b % len(snapshots)][0]))

    subprocess.run(["git", "-C", dest, "fast-import", "--quiet"], input=b"".join(out), check=True)
    subprocess.run(["git", "-C", dest, "pack-refs", "--all"], check=True)
    subprocess.run(["git", "-C", dest, "reset", "-q", "--hard", "main"], check=True)


if __name__ == "__main__":
    main()
