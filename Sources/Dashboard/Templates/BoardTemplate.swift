/// `/pipelines/<name>`: the stages side by side (stacked on a phone), then recent test runs and gate decisions.
enum BoardTemplate {
    static let board = """
        {{<layout}}{{$content}}
        <div class="page-head">
          <h1>{{pipeline}}</h1>
          <p class="muted"><code>{{repository}}</code> → <code>{{targetBranch}}</code></p>
        </div>
        <div class="board">
        {{#columns}}
          <section class="column" data-stage="{{stage}}">
            <h2 class="column-title">{{title}} <span class="count">{{count}}</span></h2>
            {{^cards}}<p class="empty">{{empty}}</p>{{/cards}}
            {{#cards}}
            {{#review}}
            <article class="card review-app" data-pr="{{number}}">
              <div class="card-head">
                <a class="pr" href="{{href}}">{{number}}</a>
                <span class="branch" title="branch">{{branch}}</span>
                {{#state}}{{>badge}}{{/state}}
              </div>
              <p class="url">{{#url}}<a class="review-url" href="{{href}}">{{text}}</a>{{/url}}{{^url}}<span class="muted">no URL yet</span>{{/url}}</p>
              <dl class="facts">
                <div><dt>ci</dt><dd class="check">{{#ci}}{{#detailsHref}}<a href="{{detailsHref}}">{{/detailsHref}}{{#state}}{{>badge}}{{/state}}{{#detailsHref}}</a>{{/detailsHref}}{{#note}} <span class="muted">{{note}}</span>{{/note}}{{/ci}}{{^ci}}<span class="muted">no check yet</span>{{/ci}}</dd></div>
                <div><dt>commit</dt><dd><code>{{commit}}</code></dd></div>
                <div><dt>age</dt><dd>{{#age}}{{>age}}{{/age}}</dd></div>
              </dl>
              <p class="card-foot"><a href="{{appHref}}">{{app}}</a>{{#fromFork}} <span class="pill idle">fork</span>{{/fromFork}}</p>
            </article>
            {{/review}}
            {{#app}}
            <article class="card app">
              <div class="card-head">
                <a class="app-name" href="{{href}}">{{name}}</a>
                {{#latest}}{{>badge}}{{/latest}}
              </div>
              {{#release}}<p class="release"><strong>{{release}}</strong> <span class="muted">{{releaseDescription}}</span></p>{{/release}}
              {{^release}}<p class="muted">Not deployed yet.</p>{{/release}}
              <dl class="facts">
                {{#build}}<div><dt>build</dt><dd><code>{{build}}</code></dd></div>{{/build}}
                {{#commit}}<div><dt>commit</dt><dd><code>{{commit}}</code></dd></div>{{/commit}}
                {{#formation}}<div><dt>formation</dt><dd>{{formation}}</dd></div>{{/formation}}
                {{#dynos}}<div><dt>dynos</dt><dd>{{dynos}}</dd></div>{{/dynos}}
                {{#deployed}}<div><dt>released</dt><dd>{{>age}}</dd></div>{{/deployed}}
              </dl>
            </article>
            {{/app}}
            {{/cards}}
          </section>
        {{/columns}}
        </div>
        {{#hasWaiting}}
        <section class="panel waiting-approval">
          <h2>Waiting for approval</h2>
          <p class="muted">Pull requests from forks run nothing until someone approves their current head.</p>
          <ul>
            {{#waiting}}<li data-pr="{{number}}"><a href="{{href}}">{{number}}</a> <span class="branch">{{branch}}</span> <code>{{head}}</code> <span class="pill idle">fork</span> <code class="approve-command">{{command}}</code></li>{{/waiting}}
          </ul>
        </section>
        {{/hasWaiting}}
        {{#closedNote}}<p class="muted closed-note">{{closedNote}}</p>{{/closedNote}}
        <section class="below">
          <div>
            <h2>Recent test runs</h2>
            {{^hasRuns}}<p class="empty">No test run yet.</p>{{/hasRuns}}
            {{#hasRuns}}{{>runs}}{{/hasRuns}}
          </div>
          <div>
            <h2>Merge gate</h2>
            {{^hasDecisions}}<p class="empty">The gate has not decided anything yet.</p>{{/hasDecisions}}
            {{#hasDecisions}}{{>decisions}}{{/hasDecisions}}
          </div>
        </section>
        {{/content}}{{/layout}}
        """
}
