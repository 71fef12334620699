import Foundation
import Hummingbird

/// Builds JSON responses with one encoder: sorted keys, ISO 8601 dates.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return raw(data, status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError) -> Response {
        let body = APIErrorBody(id: error.id, message: error.message, field: error.field)
        let data = (try? encoder().encode(body)) ?? Data(#"{"id":"internal_error","message":"cannot encode the error"}"#.utf8)
        var headers: HTTPFields = [:]
        if error.status == .unauthorized {
            headers[.wwwAuthenticate] = #"Bearer realm="slipway""#
        }
        return raw(data, status: error.status, headers: headers)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
