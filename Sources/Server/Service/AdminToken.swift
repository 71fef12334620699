import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SlipwayModel
import Store

/// How the admin token came to be on this start of the service.
public enum AdminTokenOrigin: Sendable, Equatable {
    /// The data dir has tokens already: nothing was created.
    case existing
    /// `SLIPWAY_TOKEN` was set on the first start and became the admin token.
    case environment
    /// A token was generated and written to `file` (mode 0600); print it once.
    case generated(token: String, file: URL)
}

/// The admin token of SPEC §6, made the first time the service starts on a data dir (a store with no
/// token at all, revoked ones included, so revoking every token never brings a new admin token back).
public enum AdminToken {
    public static let fileName = "admin-token"
    public static let name = "admin"

    public static func bootstrap(
        store: any SlipwayStore,
        dataDirectory: URL,
        environmentToken: String?
    ) async throws -> AdminTokenOrigin {
        guard try await store.tokens().isEmpty else { return .existing }
        let adminName = try ResourceName(name)
        if let given = environmentToken, !given.isEmpty {
            _ = try await store.createToken(name: adminName, token: given)
            return .environment
        }
        let token = TokenGenerator.generate()
        let file = dataDirectory.appendingPathComponent(fileName)
        // The file first: a token in the store that nobody can read would lock the owner out.
        try writePrivateFile(file, contents: token + "\n")
        _ = try await store.createToken(name: adminName, token: token)
        return .generated(token: token, file: file)
    }

    /// Writes `contents` to `url` readable by its owner only (0600 whatever the umask or an earlier mode).
    static func writePrivateFile(_ url: URL, contents: String) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ServeError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw ServeError("cannot make \(url.path) private: \(String(cString: strerror(errno)))")
        }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ServeError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
    }

    /// Reads a token file written by `bootstrap` (for clients given `--data-dir`).
    public static func read(dataDirectory: URL) -> String? {
        guard let text = try? String(contentsOf: dataDirectory.appendingPathComponent(fileName), encoding: .utf8) else {
            return nil
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}

/// A failure of `serve` itself (data dir, ports, files), with a message that says what to fix.
public struct ServeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
