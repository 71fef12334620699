import SlipwayModel
import Foundation

/// The secret GitHub signs webhook deliveries with (`X-Hub-Signature-256`): `SLIPWAY_WEBHOOK_SECRET` when set,
/// else `<data-dir>/webhook-secret` (mode 0600), generated on the first start. Paste it into the GitHub
/// webhook's "Secret" field.
public enum WebhookSecret {
    public static let fileName = "webhook-secret"

    /// The secret, and whether it was generated now (then print where it is, once).
    public static func load(dataDirectory: URL, environment: String?) throws -> (secret: String, generatedFile: URL?) {
        if let environment, !environment.isEmpty { return (environment, nil) }
        let file = dataDirectory.appendingPathComponent(fileName)
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !secret.isEmpty { return (secret, nil) }
        }
        let secret = TokenGenerator.generate()
        try AdminToken.writePrivateFile(file, contents: secret + "\n")
        return (secret, file)
    }
}
