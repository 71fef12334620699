/// `/certificates`.
enum CertificatesTemplate {
    static let certificates = """
        {{<layout}}{{$content}}
        <div class="page-head">
          <h1>HTTPS certificates</h1>
          {{#httpsOff}}<p class="empty">HTTPS is off: the router serves plain HTTP only. Start <code>slipway serve</code> with <code>--https-port PORT --tls internal|acme|files</code> to turn it on.</p>{{/httpsOff}}
          {{#mode}}<p class="muted">The router terminates TLS on port {{httpsPort}} with <code>--tls {{mode}}</code>.</p>{{/mode}}
        </div>
        {{#localCARoot}}
        <section class="panel">
          <h2>Local CA</h2>
          <p>Every app host gets a certificate from the local CA when it is first routed. Clients trust it through its certificate (never its key): <code class="ca-root">{{localCARoot}}</code>.</p>
          <p class="muted">Trust it with <code>curl --cacert {{localCARoot}}</code>, or add it to the system store (Debian: copy it to <code>/usr/local/share/ca-certificates/slipway.crt</code> and run <code>update-ca-certificates</code>).</p>
        </section>
        {{/localCARoot}}
        {{#filesCertificate}}
        <section class="panel">
          <h2>Certificate from files</h2>
          <p><code>{{filesCertificate}}</code>{{#filesSubject}}: {{filesSubject}}{{/filesSubject}}</p>
          <p class="muted">Replacing the files swaps the certificate without a restart.</p>
        </section>
        {{/filesCertificate}}
        {{#isACME}}
        <section class="panel" id="failed-orders">
          <h2>Failed orders</h2>
          {{^hasFailed}}<p class="empty">No order has failed.</p>{{/hasFailed}}
          {{#hasFailed}}
          <p class="muted">These hosts have no certificate yet. Each order is retried by itself, waiting twice as long after each failure; meanwhile the host is served over plain HTTP.</p>
          <div class="table-wrap"><table class="certificates failed">
            <thead><tr><th>Host</th><th>State</th><th>Why</th><th>Attempts</th><th>Next retry</th><th>Meanwhile</th></tr></thead>
            <tbody>
            {{#failed}}<tr data-host="{{host}}"><td><code>{{host}}</code></td><td>{{#state}}{{>badge}}{{/state}}</td>{{#failure}}<td class="reason">{{reason}}</td><td>{{attempts}}</td><td><span title="{{nextRetryExact}}">{{nextRetry}}</span></td><td>{{#httpURL}}<a href="{{href}}">{{text}}</a>{{/httpURL}}{{^httpURL}}plain HTTP{{/httpURL}}</td>{{/failure}}</tr>
            {{/failed}}
            </tbody>
          </table></div>
          {{/hasFailed}}
        </section>
        <section class="panel">
          <h2>Hosts</h2>
          {{^hasOthers}}<p class="empty">No other host is routed.</p>{{/hasOthers}}
          {{#hasOthers}}
          <div class="table-wrap"><table class="certificates">
            <thead><tr><th>Host</th><th>State</th><th>Certificate</th></tr></thead>
            <tbody>
            {{#others}}<tr data-host="{{host}}"><td>{{#url}}<a href="{{href}}">{{host}}</a>{{/url}}{{^url}}<code>{{host}}</code>{{/url}}</td><td>{{#state}}{{>badge}}{{/state}}</td><td>{{detail}}</td></tr>
            {{/others}}
            </tbody>
          </table></div>
          {{/hasOthers}}
        </section>
        {{/isACME}}
        {{/content}}{{/layout}}
        """
}
