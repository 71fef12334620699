/// What a build is for. An app build (review apps, deploys, promotions) prunes development dependencies; a
/// test build (Heroku CI's test context) keeps them, and its workers run on it. The two never share an id.
public enum BuildContext: String, Sendable, Codable, CaseIterable {
    case app
    case test
}
