/// The sign-in page: shown for `/login` and in place of any page asked for without a valid token.
struct LoginPage: DashboardPage {
    static let template = "login"
    var chrome: PageChrome
    /// Where to go once signed in: a path on this server.
    var next: String
    var problem: String?

    init(next: String, problem: String? = nil) {
        chrome = PageChrome(title: "Sign in")
        self.next = next
        self.problem = problem
    }
}

/// A page for a request that cannot be answered with data: unknown pipeline, app, run or pull request.
struct DashboardErrorPage: DashboardPage {
    static let template = "error"
    var chrome: PageChrome
    var heading: String
    var message: String

    init(heading: String, message: String) {
        chrome = PageChrome(title: heading, crumbs: [.init(label: "Pipelines", href: "/")])
        self.heading = heading
        self.message = message
    }
}
