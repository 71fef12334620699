/// What every dashboard page shares: the title, who is signed in, the breadcrumbs, and whether the page
/// keeps itself fresh (something on it is still running).
struct PageChrome: Sendable {
    struct Crumb: Sendable {
        var label: String
        var href: String?
    }

    var title: String
    var crumbs: [Crumb]
    /// Whether there are breadcrumbs to show (Mustache cannot ask a list whether it is empty and still
    /// wrap it in one element).
    var hasCrumbs: Bool
    /// The name of the token the viewer signed in with; set by the controller.
    var signedInAs: String?
    /// Whether `live.js` should poll for a fresher copy of the page.
    var live: Bool

    init(title: String, crumbs: [Crumb] = [], live: Bool = false) {
        self.title = title
        self.crumbs = crumbs
        hasCrumbs = !crumbs.isEmpty
        self.live = live
    }
}

/// A dashboard page's view model: rendered by the template named `template`.
protocol DashboardPage: Sendable {
    static var template: String { get }
    var chrome: PageChrome { get set }
}

/// A state shown as a coloured pill: `tone` is one of `ok`, `bad`, `run`, `warn`, `idle` (CSS classes).
struct Badge: Sendable {
    var label: String
    var tone: String

    init(_ label: String, tone: String) {
        self.label = label
        self.tone = tone
    }
}

/// A link whose text and target are both shown (review-app URLs, check targets).
struct Link: Sendable {
    var text: String
    var href: String
}

/// An age with its exact time for `<time>`: `5 min ago`, titled `2026-11-26 20:31:02 UTC`.
struct Age: Sendable {
    var text: String
    var exact: String
    var machine: String
}
