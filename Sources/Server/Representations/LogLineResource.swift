import Foundation
import Platform

/// One log line as the API returns it (`GET /api/v1/apps/{app}/logs`).
public struct LogLineResource: Codable, Sendable, Equatable {
    /// ISO 8601 with milliseconds, UTC.
    public var time: String
    /// `web.1`, `release` or `slipway`.
    public var source: String
    public var text: String

    init(_ line: LogLine) {
        time = line.time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        source = line.source
        text = line.text
    }
}
