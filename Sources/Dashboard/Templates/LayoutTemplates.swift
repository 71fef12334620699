/// The page frame every dashboard page inherits (`{{<layout}}…{{/layout}}`) and the small partials they share.
///
/// Templates are Swift string constants rather than SwiftPM resources: `slipway` stays one self-contained
/// executable (a resource bundle must sit beside the binary, and an installed binary without it would fail
/// at the first page), and every template is parsed when the router is built, so a broken one fails the tests
/// rather than a visitor's request.
enum LayoutTemplates {
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{chrome.title}} · Slipway</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        <script src="/assets/live.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/"><svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M12 2 L12 17 L4 17 Z" fill="#fff"></path><path d="M13.5 5 L20 17 L13.5 17 Z" fill="#d9ccff"></path><path d="M2 19 L22 19 L19 22 L5 22 Z" fill="#fff"></path></svg> Slipway</a>
          {{#chrome.signedInAs}}
          <form class="signout" method="post" action="/logout">
            <span class="who" title="signed in with this token">{{.}}</span>
            <button type="submit">Sign out</button>
          </form>
          {{/chrome.signedInAs}}
        </header>
        <main id="page"{{#chrome.live}} data-live="2000"{{/chrome.live}}>
        {{#chrome.hasCrumbs}}
        <nav class="crumbs" aria-label="Breadcrumbs">
          {{#chrome.crumbs}}{{#href}}<a href="{{href}}">{{label}}</a>{{/href}}{{^href}}<span aria-current="page">{{label}}</span>{{/href}}{{/chrome.crumbs}}
        </nav>
        {{/chrome.hasCrumbs}}
        {{$content}}{{/content}}
        {{#chrome.live}}<p class="live-note" aria-live="polite">This page updates by itself while something runs.</p>{{/chrome.live}}
        </main>
        </body>
        </html>
        """

    /// A state pill; rendered inside a `Badge`.
    static let badge = #"<span class="pill {{tone}}">{{label}}</span>"#

    /// An age; rendered inside an `Age`.
    static let age = #"<time datetime="{{machine}}" title="{{exact}}">{{text}}</time>"#

    /// A table of test runs; rendered where `runs` is a list of `RunRow`.
    static let runs = """
        <div class="table-wrap">
        <table class="runs">
          <thead><tr><th>Run</th><th>Pull request</th><th>State</th><th>Files</th><th>Wall time</th><th>Started</th></tr></thead>
          <tbody>
          {{#runs}}
            <tr>
              <td><a class="run-link" href="{{href}}"><code>{{shortID}}</code></a></td>
              <td>{{#pullRequest}}<a href="{{pullRequestHref}}">{{pullRequest}}</a>{{/pullRequest}} <span class="muted">{{branch}}</span> <code class="muted">{{commit}}</code></td>
              <td>{{#state}}{{>badge}}{{/state}}</td>
              <td>{{counts}}</td>
              <td>{{wall}}</td>
              <td>{{#age}}{{>age}}{{/age}}</td>
            </tr>
          {{/runs}}
          </tbody>
        </table>
        </div>
        """

    /// A table of the gate's decisions; rendered where `decisions` is a list of `DecisionRow`.
    static let decisions = """
        <ul class="decisions">
        {{#decisions}}
          <li><a href="{{pullRequestHref}}">{{pullRequest}}</a> {{#verdict}}{{>badge}}{{/verdict}} <span class="reason">{{reason}}</span>
            {{#commit}}<code class="muted">{{commit}}</code>{{/commit}} <span class="muted">{{#age}}{{>age}}{{/age}}</span></li>
        {{/decisions}}
        </ul>
        """
}
