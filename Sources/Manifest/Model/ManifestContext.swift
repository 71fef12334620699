/// Which of an app's environments a manifest is read for (app.json `environments`, SPEC §2–3).
public enum ManifestContext: String, Sendable, CaseIterable, Codable {
    /// A plain app (staging, production, a Heroku button): the base keys only.
    case app
    /// A review app for a pull request: `environments.review` replaces base keys.
    case review
    /// A CI test run: `environments.test` replaces base keys.
    case test
}
