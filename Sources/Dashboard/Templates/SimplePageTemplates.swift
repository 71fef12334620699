/// The sign-in form, error pages and the list of pipelines.
enum SimplePageTemplates {
    /// Rendered for every request without a valid token or session: the form posts the token in the body
    /// (never in the URL) and comes back to `next`.
    static let login = """
        {{<layout}}{{$content}}
        <section class="login">
          <h1>Sign in to Slipway</h1>
          <p class="muted">Use an API token: the admin token in <code>&lt;data-dir&gt;/admin-token</code>, or one made with <code>slipway tokens create NAME</code>.</p>
          {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
          <form class="login-form" method="post" action="/login">
            <input type="hidden" name="next" value="{{next}}">
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus spellcheck="false">
            <button type="submit">Sign in</button>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let error = """
        {{<layout}}{{$content}}
        <section class="error-page">
          <h1>{{heading}}</h1>
          <p>{{message}}</p>
          <p><a href="/">All pipelines</a></p>
        </section>
        {{/content}}{{/layout}}
        """

    static let pipelines = """
        {{<layout}}{{$content}}
        <h1>Pipelines</h1>
        {{#hasFailedCertificateOrders}}<p class="problem certificates-alert" role="alert">The certificate order failed for {{failedCertificateOrders}} host(s); they are served over plain HTTP until a retry succeeds: <a href="/certificates">HTTPS certificates</a>.</p>{{/hasFailedCertificateOrders}}
        {{#servesHTTPS}}{{^hasFailedCertificateOrders}}<p class="muted"><a href="/certificates">HTTPS certificates</a></p>{{/hasFailedCertificateOrders}}{{/servesHTTPS}}
        {{^pipelines}}<p class="empty">No pipeline yet. Make one with <code>slipway pipelines create NAME --repo PATH</code>.</p>{{/pipelines}}
        <div class="pipeline-list">
        {{#pipelines}}
          <article class="card pipeline">
            <h2><a href="{{href}}">{{name}}</a></h2>
            <p class="muted"><code>{{repository}}</code> → <code>{{targetBranch}}</code></p>
            <dl class="facts">
              <div><dt>review apps</dt><dd>{{reviewApps}}</dd></div>
              <div><dt>staging</dt><dd>{{#staging}}<a href="{{href}}">{{name}}</a> {{/staging}}{{^staging}}<span class="muted">none</span>{{/staging}}</dd></div>
              <div><dt>production</dt><dd>{{#production}}<a href="{{href}}">{{name}}</a> {{/production}}{{^production}}<span class="muted">none</span>{{/production}}</dd></div>
              {{#lastRun}}<div><dt>last test run</dt><dd><a href="{{href}}">{{#state}}{{>badge}}{{/state}}</a> {{counts}} {{#age}}{{>age}}{{/age}}</dd></div>{{/lastRun}}
            </dl>
          </article>
        {{/pipelines}}
        </div>
        {{#workers}}
        <section class="panel" id="workers">
          <h2>Workers</h2>
          {{^hasWorkers}}<p class="empty">No remote test worker is registered. Start one with <code>slipway worker --server URL</code>.</p>{{/hasWorkers}}
          {{#hasWorkers}}
          <div class="table-wrap"><table class="workers">
            <thead><tr><th>Worker</th><th>Slots</th><th>State</th><th>Last heartbeat</th><th>Current work</th></tr></thead>
            <tbody>{{#workers}}<tr class="worker"><td><code>{{name}}</code></td><td>{{slots}}</td><td>{{#state}}{{>badge}}{{/state}}</td><td>{{#lastHeartbeat}}{{>age}}{{/lastHeartbeat}}</td><td>{{#work}}<div class="worker-work">slot {{slot}} of run <a href="{{runHref}}">{{runShortID}}</a>: {{doing}}</div>{{/work}}{{^hasWork}}<span class="muted">none</span>{{/hasWork}}</td></tr>{{/workers}}</tbody>
          </table></div>
          {{/hasWorkers}}
          {{#hasQueued}}
          <h3>Queued test runs</h3>
          <p class="muted">Waiting for a free test slot; each starts when a worker leases one.</p>
          <ul class="plain queued-runs">{{#queued}}<li class="queued-run"><a href="{{href}}">{{shortID}}</a> {{#state}}{{>badge}}{{/state}} {{#pullRequest}}<a href="{{pullRequestHref}}">{{.}}</a>{{/pullRequest}} <code>{{commit}}</code> {{#age}}{{>age}}{{/age}}</li>{{/queued}}</ul>
          {{/hasQueued}}
        </section>
        {{/workers}}
        {{#hasStandaloneApps}}
        <h2>Apps outside a pipeline</h2>
        <ul class="plain">{{#standaloneApps}}<li><a href="{{href}}">{{name}}</a></li>{{/standaloneApps}}</ul>
        {{/hasStandaloneApps}}
        {{/content}}{{/layout}}
        """
}
