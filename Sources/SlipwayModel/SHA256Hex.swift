import Crypto

/// SHA-256 in lowercase hex (swift-crypto), for token digests.
package enum SHA256Hex {
    package static func hex(of message: [UInt8]) -> String {
        SHA256.hash(data: message).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}
