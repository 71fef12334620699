import Foundation
import Hummingbird

/// A request body the API accepts: a JSON object with exactly these top-level keys allowed.
protocol JSONRequestBody: Decodable {
    /// Every key the body may have; any other is refused with 422, so a typo is never silently ignored.
    static var allowedKeys: Set<String> { get }
}

extension Request {
    /// Reads the body (up to the context's limit: 413 past it) and decodes it.
    ///
    /// Broken JSON is a 400 naming the problem; a body that is not an object, has an unknown key, or has a
    /// value of the wrong type is a 422 whose `field` is the JSON path at fault (`updates[0].quantity`).
    func decodeJSON<Body: JSONRequestBody>(_ type: Body.Type, context: APIRequestContext) async throws -> Body {
        try decodeJSON(type, from: try await collectJSONObject(context: context), context: context)
    }

    /// `decodeJSON` of a body already collected (`collectJSONObject`), for a controller that looks at it first.
    func decodeJSON<Body: JSONRequestBody>(_ type: Body.Type, from data: Data, context: APIRequestContext) throws -> Body {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let unknown = object.keys.sorted().first(where: { !Body.allowedKeys.contains($0) }) {
                throw APIError.invalid(unknown, "unknown field '\(unknown.prefix(64))'; allowed: \(Body.allowedKeys.sorted().joined(separator: ", "))")
            }
            // No field of these bodies means anything as null (an optional one is left out instead), and
            // decoding would take null for "absent": refuse it, as the OpenAPI document's types say.
            if let null = Self.firstNull(in: object, path: "") {
                throw APIError.invalid(null, "\(null): null is not a value here; leave the field out instead")
            }
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch DecodingError.dataCorrupted(let failure) where failure.codingPath.isEmpty {
            // The body parsed as JSON above, so this is not broken syntax: Foundation's decoder reports a
            // number that does not fit the expected integer (1.5, 1e30) this way, without its path.
            throw DecodingFailure.misfitNumber(in: data)
        } catch let error as DecodingError {
            throw DecodingFailure.apiError(error)
        }
    }

    /// The JSON path of the first null in `value` (`updates[0].size`), depth first in key order; nil when none.
    static func firstNull(in value: Any, path: String) -> String? {
        if value is NSNull { return path }
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                if let found = firstNull(in: object[key] as Any, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    /// The raw body, checked to be a JSON object: 413 past the limit, 400 for empty or broken JSON,
    /// 422 for a valid JSON value that is not an object.
    func collectJSONObject(context: APIRequestContext) async throws -> Data {
        let limit = context.maxUploadSize
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        let buffer = try await body.collect(upTo: limit)
        let data = Data(buffer: buffer)
        guard !data.isEmpty else { throw APIError.badRequest("a JSON object is required as the request body") }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.badRequest("the request body is not valid JSON")
        }
        guard value is [String: Any] else {
            throw APIError.invalid(nil, "the request body must be a JSON object")
        }
        return data
    }
}

/// Maps `DecodingError` to a 422 naming the JSON path at fault.
enum DecodingFailure {
    static func apiError(_ error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            return .invalid(path(context.codingPath), "\(label(context.codingPath)): expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid(path(context.codingPath), "\(label(context.codingPath)): expected \(describe(type)), got null")
        case .keyNotFound(let key, let context):
            let full = context.codingPath + [key]
            return .invalid(path(full), "\(label(full)): is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .badRequest("the request body is not valid JSON") }
            return .invalid(path(context.codingPath), "\(label(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            return .invalid(nil, "the request body does not have the expected shape")
        }
    }

    /// A 422 naming the first number in `data` that is not a whole number in `Int`'s range, or a 422
    /// about the body's shape when there is none.
    static func misfitNumber(in data: Data) -> APIError {
        guard let value = try? JSONSerialization.jsonObject(with: data), let path = firstMisfitNumber(value, at: "") else {
            return .invalid(nil, "the request body does not have the expected shape")
        }
        return .invalid(path, "\(path): expected an integer")
    }

    private static func firstMisfitNumber(_ value: Any, at path: String) -> String? {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstMisfitNumber(object[key]!, at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstMisfitNumber(element, at: "\(path)[\(index)]") { return found }
            }
        case let number as NSNumber:
            let double = number.doubleValue
            if double.rounded() != double || double.magnitude >= 0x1p63 { return path }
        default:
            break
        }
        return nil
    }

    /// `updates[0].quantity`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    private static func label(_ codingPath: [any CodingKey]) -> String {
        let rendered = path(codingPath)
        return rendered.isEmpty ? "body" : rendered
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of type \(name)"
        }
    }
}
