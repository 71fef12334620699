import Foundation
import GitKit

/// The embedded default: a sample app in a bare repository with three pull requests — one green, one
/// whose new test fails, one that conflicts with a later change on `main` — written through libgit2.
enum DemoRepository {
    struct PullRequest: Sendable {
        var number: Int
        var branch: String
        var title: String
        /// What the gate should say: nil for "merges".
        var expectedRefusal: String?
    }

    static let pullRequests = [
        PullRequest(number: 1, branch: "friendlier-greeting", title: "Say which release answered", expectedRefusal: nil),
        PullRequest(number: 2, branch: "strict-arithmetic", title: "Add an arithmetic test (it is wrong)", expectedRefusal: "check ci failed"),
        PullRequest(number: 3, branch: "rename-greeting", title: "Change the greeting text", expectedRefusal: "conflicts: greeting.txt"),
    ]

    /// Creates the bare repository at `path` (replacing nothing: the path must not exist).
    static func create(at path: String) async throws {
        let repository = try Repository.initBare(path: path)
        let start = Date(timeIntervalSince1970: 1_767_225_600) // fixed times: the same ids on every run
        let base = try await repository.commit(parent: nil, changes: baseFiles, message: "Sample app with a sharded test suite\n",
                                               identity: author, time: start)
        let green = try await repository.commit(parent: base, changes: [
            .write("app.py", appSource(line: "'Hello from %s (release %s, pull request %s): %s' % (APP, RELEASE, PR, GREETING)")),
            .write("tests/test_13_release_in_greeting.sh", "sleep 0.3\ngrep -q RELEASE app.py\n"),
        ], message: "Say which release answered\n", identity: author, time: start + 60)
        let red = try await repository.commit(parent: base, changes: [
            .write("tests/test_14_arithmetic.sh", "sleep 0.2\n# Wrong on purpose: the gate must refuse this pull request.\ntest $((2 + 2)) -eq 5\n"),
        ], message: "Add an arithmetic test\n", identity: author, time: start + 120)
        let conflicting = try await repository.commit(parent: base, changes: [
            .write("greeting.txt", "Howdy\n"),
        ], message: "Change the greeting text\n", identity: author, time: start + 180)
        // main moves on after the pull requests branched: #3 now conflicts, #1 and #2 still merge.
        let main = try await repository.commit(parent: base, changes: [
            .write("greeting.txt", "Hello, world\n"),
        ], message: "Greet the world\n", identity: author, time: start + 240)
        try await repository.setReference("refs/heads/main", to: main)
        for (number, head) in [(1, green), (2, red), (3, conflicting)] {
            let branch = pullRequests[number - 1].branch
            try await repository.setReference("refs/heads/\(branch)", to: head)
            try await repository.setReference("refs/pull/\(number)/head", to: head)
        }
    }

    private static let author = MergeIdentity(name: "Demo Developer", email: "dev@example.com")

    private static func appSource(line: String) -> String {
        """
        # The sample web app: answers every GET with its greeting. Slipway sets PORT and the SPEC variables.
        import http.server, os

        APP = os.environ.get('SLIPWAY_APP', '?')
        RELEASE = os.environ.get('SLIPWAY_RELEASE', '?')
        PR = os.environ.get('HEROKU_PR_NUMBER', '-')
        GREETING = os.environ.get('GREETING', '?') + ' / ' + open('greeting.txt').read().strip()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = (\(line) + '\\n').encode()
                self.send_response(200)
                self.send_header('Content-Type', 'text/plain; charset=utf-8')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()

        """
    }

    private static var baseFiles: [FileChange] {
        var files: [FileChange] = [
            .write("Procfile", "web: python3 app.py\nrelease: echo \"release phase of $SLIPWAY_RELEASE\"\n"),
            .write("app.py", appSource(line: "'Hello from %s (pull request %s): %s' % (APP, PR, GREETING)")),
            .write("greeting.txt", "Hello\n"),
            .write("app.json", appJSON),
            .write("bin/run-tests", runTests, executable: true),
            .write("README.md", "# Slipway demo app\n\nMade by `slipway demo`.\n"),
        ]
        // Twelve test files of uneven length, so the shard timeline has something to show.
        let durations = [0.9, 0.2, 0.4, 0.7, 0.1, 0.3, 0.6, 0.2, 0.5, 0.8, 0.1, 0.4]
        for (index, seconds) in durations.enumerated() {
            let name = String(format: "tests/test_%02d_%@.sh", index + 1, ["routing", "config", "health", "release", "procfile", "env",
                                                                          "greeting", "logs", "scale", "rollback", "ports", "headers"][index])
            files.append(.write(name, "sleep \(seconds)\ntest -f app.py\n"))
        }
        return files
    }

    private static let appJSON = """
        {
          "name": "slipway-demo",
          "description": "The sample app of `slipway demo`.",
          "env": {
            "GREETING": { "description": "What the app says; the pipeline's review config vars set it for review apps" },
            "SECRET_KEY": { "description": "Generated once per app", "generator": "secret" }
          },
          "formation": { "web": { "quantity": 1 } },
          "scripts": {
            "postdeploy": "echo \\"postdeploy: seeding $HEROKU_APP_NAME\\"",
            "pr-predestroy": "echo \\"pr-predestroy: cleaning up $HEROKU_APP_NAME\\""
          },
          "environments": {
            "test": {
              "scripts": { "test": "sh bin/run-tests {files}" },
              "env": { "GREETING": "hello from the test environment" },
              "formation": { "test": { "quantity": 4 } }
            }
          },
          "slipway": {
            "tests": { "files": ["tests/*.sh"], "split": "queue" },
            "review": { "stale_days": 5 }
          }
        }

        """

    private static let runTests = """
        #!/bin/sh
        # Runs the test files it is given and reports TAP: "ok N - file" or "not ok N - file".
        n=0; status=0
        for file in "$@"; do
          n=$((n + 1))
          if sh "$file"; then echo "ok $n - $file"; else echo "not ok $n - $file"; status=1; fi
        done
        echo "1..$n"
        exit $status

        """
}
