/// `/pipelines/<name>/prs/<N>`.
enum PullRequestTemplate {
    static let pullRequest = """
        {{<layout}}{{$content}}
        <div class="page-head">
          <h1>Pull request #{{number}} {{#branch}}<span class="branch">{{branch}}</span>{{/branch}}</h1>
          {{#approval}}<p class="approval">Waiting for approval: this pull request comes from a fork, and its head <code>{{head}}</code> is not built, tested or deployed until someone approves it: <code class="approve-command">{{command}}</code></p>{{/approval}}
          {{#verdict}}<p class="verdict">Gate: {{#verdict}}{{>badge}}{{/verdict}} <span class="reason">{{reason}}</span> <span class="muted">{{#age}}{{>age}}{{/age}}</span></p>{{/verdict}}
        </div>
        <div class="grid-2">
          <section class="panel">
            <h2>Commits</h2>
            <dl class="facts">
              <div><dt>head</dt><dd>{{#headCommit}}<code>{{headCommit}}</code>{{/headCommit}}{{^headCommit}}<span class="muted">unknown</span>{{/headCommit}}</dd></div>
              <div><dt>test merge</dt><dd>{{#mergeCommit}}<code>{{mergeCommit}}</code>{{/mergeCommit}}{{^mergeCommit}}<span class="muted">none yet</span>{{/mergeCommit}}</dd></div>
            </dl>
          </section>
          <section class="panel">
            <h2>Review app</h2>
            {{#reviewApp}}
            <p><a href="{{href}}">{{name}}</a> {{#state}}{{>badge}}{{/state}}{{#fromFork}} <span class="pill idle">fork</span>{{/fromFork}}</p>
            <p class="url">{{#url}}<a class="review-url" href="{{href}}">{{text}}</a>{{/url}}{{^url}}<span class="muted">no URL</span>{{/url}}</p>
            {{#lastDeployed}}<p class="muted">deployed {{>age}}</p>{{/lastDeployed}}
            {{/reviewApp}}
            {{^reviewApp}}<p class="muted">This pull request has no review app.</p>{{/reviewApp}}
          </section>
        </div>
        <section class="panel">
          <h2>Checks</h2>
          {{^hasChecks}}<p class="empty">No check has been reported yet.</p>{{/hasChecks}}
          <ul class="checks">
          {{#checks}}
            <li class="check"><strong>{{context}}</strong> {{#state}}{{>badge}}{{/state}} <span class="muted">on {{on}} <code>{{commit}}</code></span>
              {{#note}}<span>{{note}}</span>{{/note}} {{#detailsHref}}<a href="{{detailsHref}}">details</a>{{/detailsHref}}</li>
          {{/checks}}
          </ul>
          {{#hasChecks}}
          <details class="history">
            <summary>History ({{historyCount}} statuses)</summary>
            <ol class="check-history">
            {{#history}}
              <li><span class="muted">{{#age}}{{>age}}{{/age}}</span> <strong>{{context}}</strong> {{#state}}{{>badge}}{{/state}} <span class="muted">on {{on}} <code>{{commit}}</code></span> {{#note}}{{note}}{{/note}}</li>
            {{/history}}
            </ol>
          </details>
          {{/hasChecks}}
        </section>
        <section class="panel">
          <h2>Merge gate</h2>
          {{^hasDecisions}}<p class="empty">The gate has not been asked to merge this pull request.</p>{{/hasDecisions}}
          {{#hasDecisions}}{{>decisions}}{{/hasDecisions}}
        </section>
        <section class="panel">
          <h2>Test runs</h2>
          {{^hasRuns}}<p class="empty">No test run yet.</p>{{/hasRuns}}
          {{#hasRuns}}{{>runs}}{{/hasRuns}}
        </section>
        {{/content}}{{/layout}}
        """
}
