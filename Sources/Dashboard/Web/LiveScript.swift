/// `/assets/live.js`: the dashboard's only script. While the page's `<main>` says `data-live`, it asks for
/// the same page again every two seconds (with the ETag it last got, so an unchanged page is a bodiless
/// 304) and swaps in the new `<main>`: no reload, no flicker, scroll position and open `<details>` kept.
/// Without JavaScript the pages are complete; they just do not refresh by themselves.
enum LiveScript {
    static let source = #"""
        (function () {
          'use strict';
          var main = document.getElementById('page');
          if (!main || !window.fetch || !window.DOMParser) return;
          var etag = null;
          var timer = null;

          function interval() { return parseInt(main.getAttribute('data-live'), 10) || 2000; }

          function schedule(delay) {
            clearTimeout(timer);
            if (main.hasAttribute('data-live')) timer = setTimeout(refresh, delay || interval());
          }

          function openDetails() {
            var ids = [];
            main.querySelectorAll('details[open][id]').forEach(function (d) { ids.push(d.id); });
            return ids;
          }

          function swap(html) {
            var fresh = new DOMParser().parseFromString(html, 'text/html');
            var next = fresh.getElementById('page');
            if (!next) return;
            var open = openDetails();
            main.replaceWith(next);
            main = next;
            open.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
            if (fresh.title) document.title = fresh.title;
          }

          function refresh() {
            if (document.hidden) { schedule(); return; }
            var headers = etag ? { 'If-None-Match': etag } : {};
            fetch(location.pathname + location.search, { credentials: 'same-origin', cache: 'no-store', headers: headers })
              .then(function (response) {
                if (response.status === 304) return null;
                if (response.status === 401) { main.removeAttribute('data-live'); return null; }
                if (!response.ok) throw new Error('HTTP ' + response.status);
                etag = response.headers.get('ETag');
                return response.text();
              })
              .then(function (html) { if (html) swap(html); schedule(); })
              .catch(function () { schedule(interval() * 5); });
          }

          document.addEventListener('visibilitychange', function () { if (!document.hidden) schedule(200); });
          schedule();
        })();
        """#
}
