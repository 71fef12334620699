import Mustache

/// Renders page view models with the dashboard's Mustache templates.
struct DashboardRenderer: Sendable {
    /// Every template by the name pages and partials use.
    static let templates: [String: String] = [
        "layout": LayoutTemplates.layout,
        "badge": LayoutTemplates.badge,
        "age": LayoutTemplates.age,
        "runs": LayoutTemplates.runs,
        "decisions": LayoutTemplates.decisions,
        LoginPage.template: SimplePageTemplates.login,
        DashboardErrorPage.template: SimplePageTemplates.error,
        PipelinesPage.template: SimplePageTemplates.pipelines,
        BoardPage.template: BoardTemplate.board,
        PullRequestPage.template: PullRequestTemplate.pullRequest,
        TestRunPage.template: TestRunTemplate.testRun,
        AppPage.template: AppTemplate.app,
        CertificatesPage.template: CertificatesTemplate.certificates,
        GitHubDeliveriesPage.template: GitHubTemplate.github,
    ]

    let library: MustacheLibrary

    /// Parses every template. They are constants of this module, so a parse error is a bug in Slipway, found
    /// by the first test that builds a router, never by a visitor.
    init() {
        var library = MustacheLibrary()
        for (name, text) in Self.templates {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("dashboard template '\(name)' does not parse: \(error)")
            }
        }
        self.library = library
    }

    func render<Page: DashboardPage>(_ page: Page) -> String {
        guard let html = library.render(page, withTemplate: Page.template) else {
            preconditionFailure("no dashboard template named '\(Page.template)'")
        }
        return html
    }
}
