#!/usr/bin/env python3
"""ci/bench/git: Slipway's `slipway git prs` against the git program doing the same work, in one run.

Work: list every pull request of a ~10,000-ref repository and compute each one's test merge onto main
(cold), then again after 10 pull requests were pushed (warm; the target did not move).
Baseline: `git for-each-ref` plus one `git merge-tree --write-tree main <head>` process per pull request,
run one at a time and, to be fair on this machine, also spread over every core with xargs -P.
Every measured pass starts from a fresh copy of the generated repository.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = 3
HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
CORES = os.cpu_count() or 1


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, env=ENV, **kwargs)
    return time.perf_counter() - start


def git_pass(repo, parallel):
    script = (
        "git for-each-ref --format='%(refname)' 'refs/pull/*/head' | "
        + (f"xargs -P {CORES} -n 25 sh -c 'for r; do git merge-tree --write-tree main \"$r\" >/dev/null || true; done' sh"
           if parallel else
           "while read -r r; do git merge-tree --write-tree main \"$r\" >/dev/null || true; done")
    )
    return timed(["bash", "-c", script], cwd=repo)


def slipway_pass(slipway, repo):
    return timed([slipway, "git", "prs", "--repo", repo, "--json"], stdout=subprocess.DEVNULL)


def check_against_git(slipway, repo):
    """Every merge slipway reports has git merge-tree's tree; every conflict is a conflict for git too."""
    import json
    prs = json.loads(subprocess.run([slipway, "git", "prs", "--repo", repo, "--json"], capture_output=True,
                                    check=True, env=ENV).stdout)
    mismatches = 0
    for pr in prs:
        git = subprocess.run(["git", "-C", repo, "merge-tree", "--write-tree", "--name-only", pr["target"], pr["head"]],
                             capture_output=True, env=ENV)
        git_tree = git.stdout.split(b"\n", 1)[0].decode()
        if pr["mergeable"]:
            ours = subprocess.run(["git", "-C", repo, "rev-parse", pr["mergeCommit"] + "^{tree}"], capture_output=True,
                                  check=True, env=ENV).stdout.decode().strip()
            mismatches += (git.returncode != 0 or ours != git_tree)
        else:
            mismatches += (git.returncode != 1)
    merged = sum(1 for pr in prs if pr["mergeable"])
    print(f"check: {len(prs)} pull requests, {merged} merged, {len(prs) - merged} conflicting; "
          f"{mismatches} differ from git merge-tree", flush=True)
    if mismatches:
        sys.exit(1)


def push_ten(repo):
    for n in range(1, 11):
        subprocess.run(["git", "-C", repo, "update-ref", f"refs/pull/{n}/head", f"refs/bench/push/{n}"], check=True, env=ENV)


def fresh_copy(source, scratch, name):
    target = os.path.join(scratch, name)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    return target


def main():
    slipway = os.path.abspath(sys.argv[1])
    scratch = tempfile.mkdtemp(prefix="slipway-bench-git-")
    try:
        source = os.path.join(scratch, "source")
        print("generating the repository (1,000 files, ~10,000 refs, 1,000 pull requests)...", flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "..", "..", "..", "fixtures", "git", "make-random-repo"), source], check=True, env=ENV)
        refs = subprocess.run(["git", "-C", source, "for-each-ref"], capture_output=True, env=ENV, check=True).stdout.count(b"\n")
        print(f"repository: {refs} refs; {CORES} cores; {ROUNDS} rounds, median shown\n", flush=True)

        check_against_git(slipway, fresh_copy(source, scratch, "check"))
        results = {k: [] for k in ["slipway cold", "git cold", f"git cold -P{CORES}", "slipway warm", "git warm", f"git warm -P{CORES}"]}
        for round_ in range(ROUNDS):
            repo = fresh_copy(source, scratch, "slipway")
            results["slipway cold"].append(slipway_pass(slipway, repo))
            push_ten(repo)
            results["slipway warm"].append(slipway_pass(slipway, repo))

            repo = fresh_copy(source, scratch, "git")
            results["git cold"].append(git_pass(repo, parallel=False))
            push_ten(repo)
            results["git warm"].append(git_pass(repo, parallel=False))

            repo = fresh_copy(source, scratch, "gitp")
            results[f"git cold -P{CORES}"].append(git_pass(repo, parallel=True))
            push_ten(repo)
            results[f"git warm -P{CORES}"].append(git_pass(repo, parallel=True))
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]*1000:.0f} ms" for k, v in results.items()), flush=True)

        median = {k: statistics.median(v) for k, v in results.items()}
        print("\npass   slipway     git (1 process at a time)   git (xargs -P%d)   ratio vs git   ratio vs git -P%d" % (CORES, CORES))
        for phase in ["cold", "warm"]:
            s, g, gp = median[f"slipway {phase}"], median[f"git {phase}"], median[f"git {phase} -P{CORES}"]
            print(f"{phase:5}  {s*1000:8.1f} ms  {g*1000:10.1f} ms               {gp*1000:9.1f} ms      {g/s:6.1f}x         {gp/s:6.1f}x")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
