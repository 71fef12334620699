import Crypto
import EdgeRouter
import Foundation
import Synchronization

/// `--tls acme`: a certificate per routed host from an ACME directory (Let's Encrypt, or pebble in the tests),
/// proven with HTTP-01 on the router's plain port. Certificates are stored in the data dir and reused across
/// restarts; each is renewed at two thirds of its lifetime (the old one is served until the new one is in,
/// and open connections keep theirs). A failed order is retried with backoff; the host keeps plain HTTP
/// meanwhile, and ``statuses()`` says why.
public final class ACMECertificates: TLSCertificateSource, ACMEChallengeResponder {
    /// How often hosts are checked for renewal and for retries that came due.
    public struct Timing: Sendable {
        public var checkInterval: Duration
        public var firstRetry: Duration
        public var maxRetry: Duration
        public var pollInterval: Duration

        public init(
            checkInterval: Duration = .seconds(60),
            firstRetry: Duration = .seconds(60),
            maxRetry: Duration = .seconds(3600),
            pollInterval: Duration = .milliseconds(500)
        ) {
            self.checkInterval = checkInterval
            self.firstRetry = firstRetry
            self.maxRetry = maxRetry
            self.pollInterval = pollInterval
        }
    }

    private let client: ACMEClient
    private let directory: CertificateDirectory
    private let store = CertificateStore()
    private let timing: Timing
    private let log: @Sendable (String) -> Void
    private let challenges = Mutex<[String: String]>([:])
    private let state = Mutex(State())

    private struct State {
        var hosts: [String: CertificateStatus] = [:]
        var retryAt: [String: ContinuousClock.Instant] = [:]
        var failures: [String: Int] = [:]
        var ordering: Set<String> = []
        var loop: Task<Void, Never>?
    }

    /// - Parameters:
    ///   - folder: `<data dir>/tls/acme`: `account.key` (0600) and `hosts/<host>/{cert,key}.pem`.
    ///   - log: told of issuances, renewals and failures (never of keys).
    public init(
        folder: URL,
        directoryURL: String,
        email: String?,
        caBundle: URL?,
        timing: Timing = Timing(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        try SecureFiles.makeDirectory(folder)
        let accountKey = try Self.loadOrCreateAccountKey(at: folder.appendingPathComponent("account.key"))
        client = try ACMEClient(
            directoryURL: directoryURL, accountKey: AccountKey(key: accountKey), contact: email,
            caBundle: caBundle, pollInterval: timing.pollInterval)
        directory = try CertificateDirectory(root: folder.appendingPathComponent("hosts"))
        self.timing = timing
        self.log = log
        let stored = directory.loadAll()
        store.replaceAll(stored)
        state.withLock { state in
            for (host, certificate) in stored {
                state.hosts[host] = .valid(notAfter: certificate.notAfter, renewAt: certificate.renewalDate)
            }
        }
    }

    /// Starts the periodic check (renewals and retries). Orders for newly routed hosts start at once regardless.
    public func start() {
        let interval = timing.checkInterval
        let loop = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.checkAll()
            }
        }
        state.withLock { $0.loop = loop }
    }

    public func shutdown() async {
        state.withLock { $0.loop?.cancel() }
        await client.shutdown()
    }

    // MARK: TLSCertificateSource, ACMEChallengeResponder

    public func certificate(forServerName serverName: String?) -> TLSServingCertificate? {
        store.serving(serverName: serverName)
    }

    public func hostsRouted(_ hosts: [String]) async {
        let wanted = hosts.map { $0.lowercased() }.filter(HostName.isValid)
        let new = state.withLock { state in
            wanted.filter { host in
                guard state.hosts[host] == nil else { return false }
                if let stored = store.certificate(for: host) ?? directory.load(host: host), stored.notAfter > Date() {
                    store.set(stored, for: host)
                    state.hosts[host] = .valid(notAfter: stored.notAfter, renewAt: stored.renewalDate)
                    return false
                }
                state.hosts[host] = .pending
                return true
            }
        }
        for host in new {
            Task { await self.obtain(host) }
        }
    }

    /// A removed app's hosts are no longer renewed or retried; their stored certificates stay on disk (a host routed
    /// again before they expire reuses them) and are no longer served.
    public func hostsUnrouted(_ hosts: [String]) async {
        for host in hosts.map({ $0.lowercased() }) {
            state.withLock { state in
                state.hosts[host] = nil
                state.retryAt[host] = nil
                state.failures[host] = nil
            }
            store.set(nil, for: host)
        }
    }

    public func keyAuthorization(forToken token: String) -> String? {
        challenges.withLock { $0[token] }
    }

    // MARK: Status

    /// Each host's certificate state, for the dashboard.
    public func statuses() -> [String: CertificateStatus] {
        state.withLock { $0.hosts }
    }

    /// The certificate now served for `host`.
    public func currentCertificate(for host: String) -> IssuedCertificate? {
        store.certificate(for: host)
    }

    /// Renews what is due and retries what failed and whose backoff has passed.
    public func checkAll(now: Date = Date()) async {
        let due = state.withLock { state -> [String] in
            let clock = ContinuousClock.now
            return state.hosts.keys.filter { host in
                guard !state.ordering.contains(host) else { return false }
                if let retry = state.retryAt[host], clock < retry { return false }
                if let current = store.certificate(for: host) { return now >= current.renewalDate }
                return true
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for host in due { group.addTask { await self.obtain(host) } }
        }
    }

    private func obtain(_ host: String) async {
        let claimed = state.withLock { state -> Bool in
            state.ordering.insert(host).inserted
        }
        guard claimed else { return }
        defer { _ = state.withLock { $0.ordering.remove(host) } }
        let renewing = store.certificate(for: host) != nil
        do {
            let issued = try await client.obtainCertificate(
                for: host,
                publish: { token, keyAuthorization in self.challenges.withLock { $0[token] = keyAuthorization } },
                withdraw: { token in _ = self.challenges.withLock { $0.removeValue(forKey: token) } }
            )
            try directory.save(issued, host: host)
            store.set(issued, for: host)
            state.withLock { state in
                state.hosts[host] = .valid(notAfter: issued.notAfter, renewAt: issued.renewalDate)
                state.retryAt[host] = nil
                state.failures[host] = nil
            }
            log("\(renewing ? "renewed" : "obtained") the certificate for \(host) (valid until \(issued.notAfter))")
        } catch {
            let message = (error as? CertificateError)?.description ?? "\(error)"
            let delay = state.withLock { state -> Duration in
                let failures = (state.failures[host] ?? 0) + 1
                state.failures[host] = failures
                let delay = Self.backoff(failures: failures, first: timing.firstRetry, max: timing.maxRetry)
                state.retryAt[host] = .now + delay
                state.hosts[host] = .failed(
                    message: message, attempts: failures, retryIn: delay, retryAt: Date().addingTimeInterval(delay.seconds))
                return delay
            }
            log("could not obtain a certificate for \(host): \(message); retrying in \(delay)")
        }
    }

    /// `first`, doubled after each further failure, at most `max`.
    static func backoff(failures: Int, first: Duration, max: Duration) -> Duration {
        var delay = first
        for _ in 1..<Swift.max(failures, 1) {
            delay *= 2
            if delay >= max { return max }
        }
        return Swift.min(delay, max)
    }

    private static func loadOrCreateAccountKey(at url: URL) throws -> P256.Signing.PrivateKey {
        if let pem = try? String(contentsOf: url, encoding: .utf8) {
            do {
                return try P256.Signing.PrivateKey(pemRepresentation: pem)
            } catch {
                throw CertificateError("\(url.path) is not a P-256 private key; move it away to make a new account")
            }
        }
        let key = P256.Signing.PrivateKey()
        try SecureFiles.write(key.pemRepresentation, to: url)
        return key
    }
}

/// Where a host's certificate stands, for the dashboard.
public enum CertificateStatus: Sendable, Equatable {
    /// Being ordered for the first time; the host is served over plain HTTP meanwhile.
    case pending
    case valid(notAfter: Date, renewAt: Date)
    /// The last order failed; retried after `retryIn` (backoff doubling per failure), at about `retryAt`.
    case failed(message: String, attempts: Int, retryIn: Duration, retryAt: Date)
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
