import Foundation
import Testing
@testable import GitKit

/// Pushing through libgit2 (the gate's way to publish to an origin given as a URL): fast-forwards only.
@Suite struct PushTests {
    @Test func aFastForwardIsPushedAndAMovedTargetIsRefused() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-push-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let origin = try Repository.initBare(path: root.appendingPathComponent("origin.git").path)
        let base = try await origin.commit(parent: nil, changes: [.write("a.txt", "a\n")], message: "base\n")
        try await origin.setReference("refs/heads/main", to: base)

        let mirror = try Repository.initBare(path: root.appendingPathComponent("mirror.git").path)
        let url = "file://" + root.appendingPathComponent("origin.git").path
        try await mirror.fetch(from: url, refspecs: ["+refs/heads/*:refs/heads/*"])
        let next = try await mirror.commit(parent: base, changes: [.write("b.txt", "b\n")], message: "next\n")
        try await mirror.push(next, to: url, as: "refs/heads/main")
        #expect(try await origin.resolve("refs/heads/main") == next)
        #expect(try await origin.readFile("b.txt", at: next) == Data("b\n".utf8), "the objects came along")

        // The origin moves on; a push built on the old tip is not a fast-forward and changes nothing.
        let moved = try await origin.commit(parent: next, changes: [.write("c.txt", "c\n")], message: "moved\n")
        try await origin.setReference("refs/heads/main", to: moved)
        let stale = try await mirror.commit(parent: next, changes: [.write("d.txt", "d\n")], message: "stale\n")
        do {
            try await mirror.push(stale, to: url, as: "refs/heads/main")
            Issue.record("a non-fast-forward push was accepted")
        } catch {
            #expect(error.code == .refMoved, "\(error)")
        }
        #expect(try await origin.resolve("refs/heads/main") == moved)
        #expect(try await mirror.references(prefix: "refs/slipway/push/").isEmpty, "the temporary refs are gone")
    }
}
