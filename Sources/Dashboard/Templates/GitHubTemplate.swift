/// The GitHub outbox page.
enum GitHubTemplate {
    static let github = """
        {{<layout}}{{$content}}
        <h1>GitHub deliveries</h1>
        <p class="muted">What Slipway sent or will send to GitHub (commit statuses, deployments, the pull-request comment), with GitHub's answer. Showing: {{#filters}}{{#current}}<strong>{{label}}</strong>{{/current}}{{^current}}<a href="{{href}}">{{label}}</a>{{/current}} {{/filters}}</p>
        {{^rows}}<p class="empty">No {{state}} deliveries.</p>{{/rows}}
        {{#hasRows}}
        <div class="table-wrap"><table class="deliveries">
          <thead><tr><th>#</th><th>pipeline</th><th>kind</th><th>request</th><th>state</th><th>tries</th><th>status</th><th>GitHub said</th><th>queued</th></tr></thead>
          <tbody>
          {{#rows}}
            <tr><td>{{id}}</td><td><a href="{{pipelineHref}}">{{pipeline}}</a></td><td>{{kind}}</td><td><code>{{request}}</code></td>
                <td>{{#state}}{{>badge}}{{/state}}</td><td>{{attempts}}</td><td>{{status}}</td><td>{{answer}}</td><td>{{#age}}{{>age}}{{/age}}</td></tr>
          {{/rows}}
          </tbody>
        </table></div>
        {{/hasRows}}
        {{/content}}{{/layout}}
        """
}
