/// `/test-runs/<id>`: summary, the timeline as inline SVG, failures, slowest files.
enum TestRunTemplate {
    static let testRun = """
        {{<layout}}{{$content}}
        <div class="page-head">
          <h1>Test run <code>{{shortID}}</code> {{#state}}{{>badge}}{{/state}}</h1>
          <p class="muted"><a href="{{pipelineHref}}">{{pipeline}}</a>{{#pullRequest}} · <a href="{{pullRequestHref}}">PR {{pullRequest}}</a>{{/pullRequest}}{{#branch}} · <span class="branch">{{branch}}</span>{{/branch}} · commit <code>{{commit}}</code> · split {{split}} over {{workers}} workers{{#started}} · started {{>age}}{{/started}}</p>
          {{#message}}<p class="message">{{message}}</p>{{/message}}
        </div>
        <section class="stats" aria-label="Summary">
          <div class="stat ok"><span class="value" data-count="passed">{{passed}}</span><span class="label">passed</span></div>
          <div class="stat bad"><span class="value" data-count="failed">{{failed}}</span><span class="label">failed</span></div>
          <div class="stat warn"><span class="value" data-count="flaky">{{flaky}}</span><span class="label">flaky</span></div>
          <div class="stat"><span class="value" data-stat="wall">{{wall}}</span><span class="label">wall time</span></div>
          <div class="stat"><span class="value" data-stat="efficiency">{{#efficiency}}{{efficiency}}{{/efficiency}}{{^efficiency}}–{{/efficiency}}</span><span class="label" title="lower bound ÷ wall time; the lower bound is the larger of all file time ÷ workers and the longest file">efficiency (bound {{lowerBound}})</span></div>
        </section>
        <section class="panel">
          <h2>Timeline</h2>
          <p class="legend"><span class="key passed"></span> passed <span class="key flaky"></span> flaky <span class="key failed"></span> failed <span class="muted">· one row per worker, one bar per file; hover a bar for its file and duration</span></p>
          {{#timeline}}
          <div class="timeline">
          <svg class="timeline-svg" xmlns="http://www.w3.org/2000/svg" width="100%" height="{{height}}" role="img" aria-label="Timeline of the run: one row per worker, one bar per test file">
            {{#ticks}}
            <line class="tl-grid" x1="{{x}}" x2="{{x}}" y1="{{gridTop}}" y2="{{height}}"></line>
            <text class="tl-tick" x="{{x}}" y="12" text-anchor="{{anchor}}">{{label}}</text>
            {{/ticks}}
            {{#rows}}
            <g class="tl-row" data-worker="{{worker}}">
              <title>worker {{worker}}: {{files}} files, {{busy}} busy</title>
              <text class="tl-label" x="0.5%" y="{{textY}}">{{label}}</text>
              <rect class="tl-lane" x="{{laneX}}" width="{{laneWidth}}" y="{{laneY}}" height="{{laneHeight}}" rx="3"></rect>
              {{#bars}}<rect class="tl-bar {{status}}" data-status="{{status}}" x="{{x}}" width="{{width}}" y="{{y}}" height="{{height}}" rx="2"><title>{{tooltip}}</title></rect>{{/bars}}
            </g>
            {{/rows}}
          </svg>
          </div>
          {{^hasBars}}<p class="empty">No file has finished yet.</p>{{/hasBars}}
          {{/timeline}}
        </section>
        <section class="panel failures">
          <h2>Failures</h2>
          {{^failures}}<p class="empty">No file failed.</p>{{/failures}}
          {{#failures}}
          <article class="failure{{#status}} {{tone}}{{/status}}">
            <h3><code class="failed-file">{{path}}</code> {{#status}}{{>badge}}{{/status}}</h3>
            <p class="muted">worker {{worker}} · {{attempts}} attempt(s) · last attempt {{seconds}}</p>
            {{#output}}<pre class="output">{{output}}</pre>{{/output}}
          </article>
          {{/failures}}
        </section>
        <section class="panel">
          <h2>Slowest files</h2>
          {{^slowest}}<p class="empty">No results yet.</p>{{/slowest}}
          <ol class="slowest">
          {{#slowest}}<li><code>{{path}}</code> <span class="slow-meta"><span class="muted">{{seconds}} on {{worker}}</span> {{#status}}{{>badge}}{{/status}}</span></li>{{/slowest}}
          </ol>
        </section>
        {{/content}}{{/layout}}
        """
}
