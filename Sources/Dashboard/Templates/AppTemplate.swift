/// `/apps/<name>`.
enum AppTemplate {
    static let app = """
        {{<layout}}{{$content}}
        <div class="page-head">
          <h1>{{name}}</h1>
          <p class="muted">{{#pipeline}}<a href="{{pipelineHref}}">{{pipeline}}</a> · {{stage}}{{/pipeline}}{{^pipeline}}not in a pipeline{{/pipeline}}{{#current}} · running {{current}}{{/current}}{{^current}} · not deployed yet{{/current}}</p>
          {{#review}}<p>Review app of <a href="{{prHref}}">PR {{number}}</a> <span class="branch">{{branch}}</span> {{#state}}{{>badge}}{{/state}} {{#url}}<a class="review-url" href="{{href}}">{{text}}</a>{{/url}}</p>{{/review}}
        </div>
        <div class="grid-2">
          <section class="panel">
            <h2>Traffic</h2>
            {{#traffic}}
            <dl class="facts traffic">
              <div><dt>requests</dt><dd data-stat="rate">{{rate}} <span class="muted">{{window}}</span></dd></div>
              <div><dt>errors (5xx)</dt><dd data-stat="error-rate">{{errorRate}}</dd></div>
              <div><dt>since start</dt><dd>{{total}} requests, {{serverErrors}} 5xx</dd></div>
              {{#latency}}<div><dt>mean latency</dt><dd>{{latency}}</dd></div>{{/latency}}
              <div><dt>in flight</dt><dd>{{inFlight}}</dd></div>
            </dl>
            {{/traffic}}
            {{^traffic}}<p class="muted">This server runs without the router: no traffic figures.</p>{{/traffic}}
          </section>
          <section class="panel">
            <h2>Dynos</h2>
            {{^hasDynos}}<p class="empty">No dyno is running.</p>{{/hasDynos}}
            {{#hasDynos}}
            <div class="table-wrap"><table class="dynos">
              <thead><tr><th>Dyno</th><th>State</th><th>Release</th><th>Port</th><th>Restarts</th></tr></thead>
              <tbody>{{#dynos}}<tr><td><code>{{name}}</code></td><td>{{#state}}{{>badge}}{{/state}}</td><td>{{release}}</td><td>{{port}}</td><td>{{restarts}}</td></tr>{{/dynos}}</tbody>
            </table></div>
            {{/hasDynos}}
            {{#hasFormation}}<p class="muted">Formation: {{#formation}}<span class="formation">{{type}}×{{quantity}} <small>{{size}}</small></span> {{/formation}}</p>{{/hasFormation}}
            {{#hasConfigKeys}}<p class="muted">Config vars (values are never shown): {{#configKeys}}<code class="config-key">{{.}}</code> {{/configKeys}}</p>{{/hasConfigKeys}}
          </section>
        </div>
        {{#addOns}}
        <section class="panel" id="addons">
          <h2>Add-ons</h2>
          {{#hasRows}}
          <div class="table-wrap"><table class="addons">
            <thead><tr><th>Add-on</th><th>Resource</th><th>State</th><th>URL (password masked)</th></tr></thead>
            <tbody>{{#rows}}<tr><td>{{service}}</td><td><code>{{resource}}</code></td><td>{{#state}}{{>badge}}{{/state}}</td><td><code>{{maskedURL}}</code></td></tr>{{/rows}}</tbody>
          </table></div>
          {{/hasRows}}
          {{#unavailable}}<p class="warning">The add-on servers cannot be read: {{.}}</p>{{/unavailable}}
          {{#warnings}}<p class="warning">{{.}}</p>{{/warnings}}
        </section>
        {{/addOns}}
        {{#building}}
        <section class="panel" id="building">
          <h2>Building <code>{{id}}</code></h2>
          <p class="muted">The output so far; the page follows it until the build ends (<code>slipway builds info {{id}} --follow</code>).</p>
          <pre class="build-output">{{output}}</pre>
        </section>
        {{/building}}
        <section class="panel">
          <h2>Releases</h2>
          {{^hasReleases}}<p class="empty">No release yet.</p>{{/hasReleases}}
          <ol class="releases">
          {{#releases}}
            <li class="release-row{{#isCurrent}} current{{/isCurrent}}" id="{{anchor}}">
              <div class="release-head"><strong>{{label}}</strong> {{#state}}{{>badge}}{{/state}}{{#isCurrent}} <span class="pill ok">current</span>{{/isCurrent}} <span>{{summary}}</span>
                <span class="muted">{{#build}}build <code>{{build}}</code>{{/build}}{{#sourceCommit}} · commit <code>{{sourceCommit}}</code>{{/sourceCommit}} · {{#age}}{{>age}}{{/age}}</span></div>
              {{#buildOutput}}<details id="build-{{anchor}}"><summary>build output</summary><pre class="build-output">{{buildOutput}}</pre></details>{{/buildOutput}}
              {{#output}}<details id="output-{{anchor}}"><summary>release phase output</summary><pre class="output">{{output}}</pre></details>{{/output}}
            </li>
          {{/releases}}
          </ol>
        </section>
        <section class="panel">
          <h2>Recent log lines</h2>
          {{^hasLogs}}<p class="empty">Nothing logged yet.</p>{{/hasLogs}}
          {{#hasLogs}}<pre class="logs">{{#logs}}<span class="log-line"><span class="log-time">{{time}}</span> <span class="log-source">{{source}}:</span> {{text}}</span>
        {{/logs}}</pre>{{/hasLogs}}
        </section>
        {{/content}}{{/layout}}
        """
}
