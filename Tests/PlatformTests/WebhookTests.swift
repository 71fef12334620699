import Foundation
import Platform
import Testing

@Suite("GitHub webhooks")
struct WebhookTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/corpus/webhooks")

    static func payload(_ name: String) throws -> Data {
        try Data(contentsOf: corpus.appendingPathComponent(name))
    }

    @Test func signaturesVerifyOnlyWithTheRightSecretAndBody() throws {
        let body = try Self.payload("001-pull_request-opened.payload.json")
        let header = WebhookSignature.sign(body, secret: "s3cret")
        #expect(header.hasPrefix("sha256=") && header.count == 7 + 64)
        #expect(WebhookSignature.isValid(header, body: body, secret: "s3cret"))
        #expect(WebhookSignature.isValid(header.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid(header, body: body, secret: "other"))
        var tampered = body
        tampered[tampered.startIndex + 10] ^= 0x01
        #expect(!WebhookSignature.isValid(header, body: tampered, secret: "s3cret"))
        #expect(!WebhookSignature.isValid(nil, body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid("sha1=abc", body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid("sha256=zz", body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid(String(header.dropLast(2)), body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid(header, body: body, secret: ""), "an empty secret never verifies")
    }

    @Test func knownSignatureMatchesGitHubsDocumentedExample() {
        // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", body "Hello, World!".
        let header = WebhookSignature.sign(Data("Hello, World!".utf8), secret: "It's a Secret to Everybody")
        #expect(header == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    }

    @Test(arguments: [
        ("001-pull_request-opened.payload.json", PullRequestEvent.Action.opened),
        ("002-pull_request-synchronize.payload.json", .synchronize),
        ("003-pull_request-closed.payload.json", .closed),
        ("004-pull_request-reopened.payload.json", .reopened),
    ])
    func pullRequestPayloadsDecode(file: String, action: PullRequestEvent.Action) throws {
        let event = try GitHubEvent.decode(event: "pull_request", body: try Self.payload(file))
        guard case .pullRequest(let pr) = event else {
            Issue.record("expected a pull request event, got \(event)")
            return
        }
        #expect(pr.action == action)
        #expect(pr.number == 2)
        #expect(pr.headRef == "changes" && pr.baseRef == "master")
        #expect(pr.headSHA.count == 40)
        #expect(!pr.isFromFork)
        #expect(!pr.merged)
    }

    @Test func pushPayloadsDecode() throws {
        guard case .push(let deletedTag) = try GitHubEvent.decode(event: "push", body: try Self.payload("005-push-payload.json")) else {
            Issue.record("expected a push")
            return
        }
        #expect(deletedTag.ref == "refs/tags/simple-tag" && deletedTag.deleted && !deletedTag.created)
        #expect(deletedTag.after == String(repeating: "0", count: 40))
        guard case .push(let newBranch) = try GitHubEvent.decode(event: "push", body: try Self.payload("006-push-with-new-branch.payload.json")) else {
            Issue.record("expected a push")
            return
        }
        #expect(newBranch.ref == "refs/heads/master" && newBranch.created && !newBranch.deleted)
        #expect(newBranch.repository == "Codertocat/Hello-World")
    }

    @Test func forksAreRecognised() throws {
        var json = try JSONSerialization.jsonObject(with: try Self.payload("001-pull_request-opened.payload.json")) as! [String: Any]
        var pr = json["pull_request"] as! [String: Any]
        var head = pr["head"] as! [String: Any]
        var repo = head["repo"] as! [String: Any]
        repo["full_name"] = "someone-else/Hello-World"
        head["repo"] = repo
        pr["head"] = head
        json["pull_request"] = pr
        let event = try GitHubEvent.decode(event: "pull_request", body: try JSONSerialization.data(withJSONObject: json))
        guard case .pullRequest(let decoded) = event else { Issue.record("expected a pull request"); return }
        #expect(decoded.isFromFork)
    }

    @Test func otherEventsAreIgnoredAndBrokenPayloadsNameTheKey() throws {
        #expect(try GitHubEvent.decode(event: "ping", body: Data("{}".utf8)) == .ping)
        #expect(try GitHubEvent.decode(event: "issues", body: Data("{}".utf8)) == .ignored("issues"))
        #expect(throws: WebhookError.self) { try GitHubEvent.decode(event: nil, body: Data("{}".utf8)) }
        do {
            _ = try GitHubEvent.decode(event: "pull_request", body: Data(#"{"action":"opened","number":1,"repository":{"full_name":"a/b"},"pull_request":{"base":{"sha":"x","ref":"main"}}}"#.utf8))
            Issue.record("a payload without head should fail")
        } catch {
            #expect(error.message.contains("pull_request.head"), "\(error.message)")
        }
        do {
            _ = try GitHubEvent.decode(event: "push", body: Data("not json".utf8))
            Issue.record("garbage should fail")
        } catch {
            #expect(error.message.contains("not valid JSON"))
        }
        do {
            _ = try GitHubEvent.decode(event: "pull_request", body: Data(#"{"action":"opened","number":"seven"}"#.utf8))
            Issue.record("a string number should fail")
        } catch {
            #expect(error.message.contains("number"), "\(error.message)")
        }
    }
}
