@testable import EdgeRouter
import NIOCore
import Testing

@Suite("Metrics")
struct MetricsTests {
    @Test("Requests are counted by status class with a latency histogram per app")
    func countsAndHistogram() async throws {
        try await withBackends("m") { backends in
            try await withRouter { router, port in
                await router.setBackends(app: "metered", [backends[0].backend])
                await router.setBackends(app: "idle", [])
                try await TestConnection.with(port: port) { connection in
                    for _ in 0..<3 { _ = try await connection.request(host: "metered.test.local") }
                    _ = try await connection.request(host: "metered.test.local", path: "/status/404")
                    _ = try await connection.request(host: "metered.test.local", path: "/status/302")
                    _ = try await connection.request(host: "idle.test.local")
                    _ = try await connection.request(host: "stranger.test.local")
                }

                let snapshot = await router.metrics()
                let metered = try #require(snapshot.apps["metered"])
                #expect(metered.requests[.success] == 3)
                #expect(metered.requests[.clientError] == 1)
                #expect(metered.requests[.redirection] == 1)
                #expect(metered.latency.count == 5)
                #expect(metered.latency.counts.reduce(0, +) == 5)
                #expect(metered.inFlight == 0)
                #expect(snapshot.apps["idle"]?.requests[.serverError] == 1)
                #expect(snapshot.unroutedRequests == 1)

                let text = await router.prometheusText()
                #expect(text.contains("# TYPE slipway_router_requests_total counter"))
                #expect(text.contains(#"slipway_router_requests_total{app="metered",status="2xx"} 3"#))
                #expect(text.contains(#"slipway_router_request_duration_seconds_bucket{app="metered",le="+Inf"} 5"#))
                #expect(text.contains(#"slipway_router_request_duration_seconds_count{app="metered"} 5"#))
                #expect(text.contains("slipway_router_unrouted_requests_total 1"))
            }
        }
    }

    @Test("Prometheus text escapes label values and lists cumulative buckets")
    func prometheusFormat() {
        var snapshot = RouterMetricsSnapshot()
        var metrics = AppMetrics()
        metrics.requests[.success] = 2
        metrics.latency.observe(nanoseconds: 300_000)  // 0.3 ms: first bucket
        metrics.latency.observe(nanoseconds: 2_000_000_000)  // 2 s
        snapshot.apps["we\"ird\\app"] = metrics
        let text = snapshot.prometheusText()
        #expect(text.contains(#"slipway_router_requests_total{app="we\"ird\\app",status="2xx"} 2"#))
        #expect(text.contains(#"slipway_router_request_duration_seconds_bucket{app="we\"ird\\app",le="0.0005"} 1"#))
        #expect(text.contains(#"slipway_router_request_duration_seconds_bucket{app="we\"ird\\app",le="1.0"} 1"#))
        #expect(text.contains(#"slipway_router_request_duration_seconds_bucket{app="we\"ird\\app",le="2.5"} 2"#))
        #expect(StatusClass(code: 101) == .informational)
        #expect(StatusClass(code: 504) == .serverError)
    }
}
