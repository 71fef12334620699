import EdgeRouter
import RouterTestSupport
import NIOCore
import NIOHTTP1
import Testing

@Suite("Routing and error pages")
struct RoutingTests {
    @Test("Host routing is case-insensitive, ignores the port, and serves review-app hosts")
    func hostRouting() async throws {
        try await withBackends("alpha", "beta", "review") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "alpha", [backends[0].backend])
                await router.setBackends(app: "beta", [backends[1].backend])
                let reviewHost = RouterHostNames.reviewApp(pullRequest: 7, pipeline: "shop", domain: "test.local")
                await router.setBackends(app: "shop-pr-7", [backends[2].backend], hosts: [reviewHost])

                let alpha = try await fetch(port: port, host: "ALPHA.Test.Local:\(port)")
                let beta = try await fetch(port: port, host: "beta.test.local")
                let review = try await fetch(port: port, host: "pr-7.shop.test.local")
                #expect(alpha.body.hasPrefix("alpha\n"))
                #expect(beta.body.hasPrefix("beta\n"))
                #expect(review.body.hasPrefix("review\n"))
                #expect(router.routes()["shop-pr-7"] == [backends[2].backend])
            }
        }
    }

    @Test("Unknown host answers 404 naming the host, escaped")
    func unknownHost() async throws {
        try await withRouter { _, port in
            let response = try await fetch(port: port, host: "nope<b>.test.local")
            #expect(response.status == .notFound)
            #expect(response.body.contains("nope&lt;b&gt;.test.local"))
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/html") == true)
        }
    }

    @Test("An app without backends answers 503 naming the app")
    func noBackends() async throws {
        try await withRouter { router, port in
            await router.setBackends(app: "empty", [])
            let response = try await fetch(port: port, host: "empty.test.local")
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.contains("no web dynos running for empty"))
        }
    }

    @Test("Refused everywhere answers 502 naming the cause")
    func refusedEverywhere() async throws {
        let dead = [Backend(port: try await refusedPort()), Backend(port: try await refusedPort())]
        try await withRouter { router, port in
            await router.setBackends(app: "down", dead)
            let response = try await fetch(port: port, host: "down.test.local")
            #expect(response.status == .badGateway)
            #expect(response.body.contains("connection refused"))
            #expect(response.body.contains("none of the 2 web dynos"))
        }
    }

    @Test("A refused connection is retried on another backend")
    func retryOnAnotherBackend() async throws {
        let dead = Backend(port: try await refusedPort())
        try await withBackends("live") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "half", [dead, backends[0].backend])
                for _ in 0..<6 {
                    let response = try await fetch(port: port, host: "half.test.local")
                    #expect(response.status == .ok)
                    #expect(response.body.hasPrefix("live\n"))
                }
            }
        }
    }

    @Test("A silent backend answers 504 after the upstream timeout")
    func upstreamTimeout() async throws {
        try await withBackends("sleepy") { backends in
            try await withRouter({ $0.upstreamTimeout = .milliseconds(300) }) { router, port in
                await router.setBackends(app: "sleepy", [backends[0].backend])
                let started = ContinuousClock.now
                let response = try await fetch(port: port, host: "sleepy.test.local", path: "/slow/3000")
                #expect(response.status == .gatewayTimeout)
                #expect(response.body.contains("did not answer within 0.3 s"))
                #expect(ContinuousClock.now - started < .seconds(2))
            }
        }
    }

    @Test("Backends see X-Forwarded-For/Proto/Port and X-Request-Id; hop-by-hop headers stay behind")
    func forwardedHeaders() async throws {
        try await withBackends("echo") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "echo", [backends[0].backend])
                let plain = try await fetch(
                    port: port,
                    host: "echo.test.local",
                    headers: [("connection", "keep-alive, x-hop"), ("x-hop", "1"), ("x-kept", "2")]
                )
                #expect(plain.echoedHeader("x-forwarded-for") == "127.0.0.1")
                #expect(plain.echoedHeader("x-forwarded-proto") == "http")
                #expect(plain.echoedHeader("x-forwarded-port") == String(port))
                let generated = try #require(plain.echoedHeader("x-request-id"))
                #expect(generated.count == 36 && generated.split(separator: "-").count == 5)
                #expect(plain.echoedHeader("x-hop") == nil)
                #expect(plain.echoedHeader("x-kept") == "2")
                #expect(plain.echoedHeader("connection") == nil)

                let chained = try await fetch(
                    port: port,
                    host: "echo.test.local",
                    headers: [("x-forwarded-for", "10.0.0.1"), ("x-request-id", "req-1234567890-abc")]
                )
                #expect(chained.echoedHeader("x-forwarded-for") == "10.0.0.1, 127.0.0.1")
                #expect(chained.echoedHeader("x-request-id") == "req-1234567890-abc")

                let other = try await fetch(port: port, host: "echo.test.local")
                #expect(other.echoedHeader("x-request-id") != generated)
            }
        }
    }

    @Test("Backend status codes pass through; HEAD responses carry no body")
    func statusAndHead() async throws {
        try await withBackends("s") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "s", [backends[0].backend])
                try await TestConnection.with(port: port) { connection in
                    let missing = try await connection.request(host: "s.test.local", path: "/status/404")
                    #expect(missing.status == .notFound)
                    #expect(missing.body == "status 404")
                    let head = try await connection.request(host: "s.test.local", method: .HEAD)
                    #expect(head.status == .ok)
                    #expect(head.body.isEmpty)
                    let after = try await connection.request(host: "s.test.local", path: "/status/201")
                    #expect(after.status == .created)
                }
            }
        }
    }

    @Test("Upstream connections are kept alive and reused")
    func connectionReuse() async throws {
        try await withBackends("pooled") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "pooled", [backends[0].backend])
                try await TestConnection.with(port: port) { connection in
                    for _ in 0..<5 {
                        let response = try await connection.request(host: "pooled.test.local")
                        #expect(response.status == .ok)
                    }
                }
                let events = backends[0].events.withLock { $0 }
                #expect(events.requests == 5)
                #expect(events.connections == 1)
            }
        }
    }

    @Test("Least-connections sends new requests away from a busy backend")
    func leastConnections() async throws {
        try await withBackends("a", "b") { backends in
            try await withRouter({ $0.balancing = .leastConnections }, ownThreads: 1) { router, port in
                await router.setBackends(app: "lc", backends.map(\.backend))
                async let slow = fetch(port: port, host: "lc.test.local", path: "/slow/600")
                try await waitUntil { backends.contains { $0.events.withLock { $0.slowStarted } == 1 } }
                let busy = backends.first { $0.events.withLock { $0.slowStarted } == 1 }!
                for _ in 0..<4 {
                    let response = try await fetch(port: port, host: "lc.test.local")
                    #expect(!response.body.hasPrefix("\(busy.name)\n"))
                }
                #expect(try await slow.status == .ok)
            }
        }
    }
}

/// Polls `condition` every 5 ms for up to 5 s.
func waitUntil(_ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !(await condition()) {
        if ContinuousClock.now > deadline { throw TestClientError(description: "condition not met in 5 s") }
        try await Task.sleep(for: .milliseconds(5))
    }
}
