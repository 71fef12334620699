/// `/assets/dashboard.css`. System fonts, no framework. The board's columns sit side by side on a wide
/// screen and stack on a phone (`auto-fit` grid); tables scroll sideways inside their own box rather than
/// widening the page.
enum Stylesheet {
    static let source = """
        :root {
          --bg: #f3f4f8; --fg: #1c2030; --muted: #5e6678; --line: #dfe2ea; --card: #fff;
          --brand: #3d2a7a; --brand-2: #6a4fd0; --link: #4b32b8;
          --ok: #1a7f37; --ok-bg: #dcf5e3; --bad: #c0222c; --bad-bg: #fde2e3;
          --run: #0a5cc2; --run-bg: #ddebfd; --warn: #8a5a00; --warn-bg: #fcefc7; --idle: #596173; --idle-bg: #eceef3;
          --passed: #2ea44f; --failed: #d1242f; --flaky: #d4a72c;
          --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--bg); color: var(--fg);
               font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
        a { color: var(--link); text-decoration: none; }
        a:hover, a:focus-visible { text-decoration: underline; }
        code { font-family: var(--mono); font-size: 0.88em; }
        h1 { font-size: 1.5rem; margin: 0 0 0.25rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
        h2 { font-size: 1.05rem; margin: 0 0 0.6rem; }
        h3 { font-size: 0.95rem; margin: 0 0 0.25rem; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
        .muted { color: var(--muted); }
        .empty { color: var(--muted); font-style: italic; margin: 0.5rem 0; }

        .top { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
               padding: 0.65rem 1.25rem; background: linear-gradient(90deg, var(--brand), var(--brand-2)); color: #fff; }
        .brand { color: #fff; font-weight: 700; font-size: 1.1rem; letter-spacing: 0.01em; display: flex; align-items: center; gap: 0.45rem; }
        .brand:hover { text-decoration: none; }
        .signout { display: flex; align-items: center; gap: 0.6rem; margin: 0; font-size: 0.85rem; }
        .signout .who { opacity: 0.85; }
        .signout button { background: rgba(255,255,255,0.15); color: #fff; border: 1px solid rgba(255,255,255,0.4);
                          border-radius: 6px; padding: 0.2rem 0.6rem; font: inherit; cursor: pointer; }

        main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
        .crumbs { font-size: 0.85rem; color: var(--muted); margin-bottom: 0.75rem; display: flex; flex-wrap: wrap; gap: 0.35rem; }
        .crumbs > * + *::before { content: "›"; margin-right: 0.35rem; color: var(--muted); }
        .page-head { margin-bottom: 1rem; }
        .page-head p { margin: 0.2rem 0; }
        .page-head, .card, .panel, .failure h3 { overflow-wrap: anywhere; }
        .live-note { font-size: 0.8rem; color: var(--muted); margin-top: 1.5rem; }

        .pill { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600;
                line-height: 1.5; white-space: nowrap; }
        .pill.ok { color: var(--ok); background: var(--ok-bg); }
        .pill.bad { color: var(--bad); background: var(--bad-bg); }
        .pill.run { color: var(--run); background: var(--run-bg); }
        .pill.warn { color: var(--warn); background: var(--warn-bg); }
        .pill.idle { color: var(--idle); background: var(--idle-bg); }
        .branch { font-family: var(--mono); font-size: 0.8rem; background: var(--idle-bg); color: var(--fg);
                  padding: 0.05rem 0.4rem; border-radius: 4px; overflow-wrap: anywhere; }

        .board { display: grid; grid-template-columns: repeat(auto-fit, minmax(270px, 1fr)); gap: 1rem; align-items: start; }
        .column { background: #e8eaf1; border-radius: 10px; padding: 0.75rem; border-top: 4px solid var(--idle); min-width: 0; }
        .column[data-stage="review"] { border-top-color: var(--brand-2); }
        .column[data-stage="development"] { border-top-color: var(--run); }
        .column[data-stage="staging"] { border-top-color: var(--warn); }
        .column[data-stage="production"] { border-top-color: var(--ok); }
        .column-title { text-transform: uppercase; font-size: 0.78rem; letter-spacing: 0.08em; color: var(--muted);
                        display: flex; justify-content: space-between; align-items: center; }
        .count { background: #fff; color: var(--fg); border-radius: 999px; padding: 0 0.5rem; font-size: 0.75rem; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem 0.8rem;
                margin-bottom: 0.6rem; box-shadow: 0 1px 2px rgba(20, 20, 50, 0.05); min-width: 0; }
        .card:last-child { margin-bottom: 0; }
        .card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; }
        .card-head .pill { margin-left: auto; }
        .pr { font-weight: 700; font-size: 1.05rem; }
        .app-name { font-weight: 700; font-size: 1rem; overflow-wrap: anywhere; }
        .url { margin: 0.45rem 0; overflow-wrap: anywhere; font-size: 0.9rem; }
        .review-url::before { content: "↗ "; }
        .release { margin: 0.4rem 0; font-size: 0.9rem; }
        .card-foot { margin: 0.4rem 0 0; font-size: 0.8rem; }
        .facts { display: grid; grid-template-columns: auto 1fr; gap: 0.15rem 0.75rem; margin: 0.35rem 0 0; font-size: 0.85rem; }
        .facts > div { display: contents; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        .closed-note { font-size: 0.85rem; }
        .approve-command { user-select: all; }

        .below { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1rem; margin-top: 1.5rem; }
        .panel, .below > div { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 0.9rem 1rem;
                               margin-bottom: 1rem; min-width: 0; }
        .grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; margin-bottom: 1rem; }
        .grid-2 > .panel { margin-bottom: 0; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
        th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: 0.35rem 0.5rem; white-space: nowrap; }
        td { border-bottom: 1px solid var(--line); padding: 0.4rem 0.5rem; vertical-align: top; }
        tr:last-child td { border-bottom: none; }
        .run-link { white-space: nowrap; }
        .decisions, .checks, .check-history, .releases, .slowest, .plain { list-style: none; margin: 0; padding: 0; }
        .decisions li, .checks li, .check-history li, .slowest li { padding: 0.35rem 0; border-bottom: 1px solid var(--line); font-size: 0.88rem; }
        .decisions li:last-child, .checks li:last-child, .slowest li:last-child { border-bottom: none; }
        .slowest li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25rem 1rem; }
        .slow-meta { white-space: nowrap; }
        .history summary { cursor: pointer; color: var(--muted); font-size: 0.85rem; margin-top: 0.5rem; }

        .pipeline-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1rem; }
        .pipeline h2 { font-size: 1.15rem; margin-bottom: 0.2rem; }

        .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 0.75rem; margin-bottom: 1rem; }
        .stat { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 0.6rem 0.8rem; }
        .stat .value { display: block; font-size: 1.5rem; font-weight: 700; }
        .stat .label { color: var(--muted); font-size: 0.8rem; }
        .stat.ok .value { color: var(--ok); }
        .stat.bad .value { color: var(--bad); }
        .panel .warning { color: var(--bad); margin: .4rem 0; }
        .stat.warn .value { color: var(--warn); }
        .message { background: var(--idle-bg); border-radius: 6px; padding: 0.4rem 0.6rem; }

        .legend { font-size: 0.82rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; margin: 0 0 0.5rem; }
        .key { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 3px; }
        .key.passed { background: var(--passed); }
        .key.failed { background: var(--failed); margin-left: 0.6rem; }
        .key.flaky { background: var(--flaky); margin-left: 0.6rem; }
        .timeline { width: 100%; }
        .timeline-svg { display: block; width: 100%; overflow: visible; font-family: var(--mono); }
        .tl-lane { fill: #f0f1f6; }
        .tl-grid { stroke: #d7dae4; stroke-width: 1; stroke-dasharray: 2 3; }
        .tl-tick { fill: var(--muted); font-size: 10px; }
        .tl-label { fill: var(--muted); font-size: 12px; }
        .tl-bar { stroke: #fff; stroke-width: 1; }
        .tl-bar.passed { fill: var(--passed); }
        .tl-bar.failed { fill: var(--failed); }
        .tl-bar.flaky { fill: var(--flaky); }
        .tl-bar:hover { opacity: 0.8; }

        .failure { border-left: 3px solid var(--bad); padding: 0.25rem 0 0.25rem 0.75rem; margin-bottom: 0.9rem; }
        .failure.warn { border-left-color: var(--flaky); }
        .failure .muted { font-size: 0.82rem; margin: 0.1rem 0 0.35rem; }
        pre { font-family: var(--mono); font-size: 0.8rem; background: #171a24; color: #e6e8ef; border-radius: 6px;
              padding: 0.6rem 0.75rem; overflow-x: auto; margin: 0.3rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        .logs { max-height: 28rem; overflow-y: auto; }
        .log-time { color: #8d95ab; }
        .log-source { color: #b59cff; }
        .releases > li { padding: 0.5rem 0; border-bottom: 1px solid var(--line); font-size: 0.9rem; }
        .releases > li:last-child { border-bottom: none; }
        .release-head { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
        .releases summary { cursor: pointer; font-size: 0.82rem; color: var(--muted); margin-top: 0.25rem; }
        .formation { margin-right: 0.5rem; }
        .config-key { margin-right: 0.3rem; }

        .login { max-width: 26rem; margin: 3rem auto; background: var(--card); border: 1px solid var(--line);
                 border-radius: 12px; padding: 1.5rem; }
        .login-form { display: grid; gap: 0.5rem; margin-top: 1rem; }
        .login-form input[type=password] { font: inherit; padding: 0.5rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; }
        .login-form button { font: inherit; font-weight: 600; padding: 0.5rem; border: none; border-radius: 6px;
                             background: var(--brand-2); color: #fff; cursor: pointer; }
        .problem { color: var(--bad); background: var(--bad-bg); padding: 0.4rem 0.6rem; border-radius: 6px; }
        .error-page { max-width: 40rem; margin: 2rem auto; }

        @media (max-width: 700px) {
          main { padding: 0.75rem 0.75rem 1.5rem; }
          .top { padding: 0.55rem 0.75rem; }
          .signout .who { display: none; }
          h1 { font-size: 1.25rem; }
          .below { grid-template-columns: minmax(0, 1fr); }
          .grid-2 { grid-template-columns: minmax(0, 1fr); }
          .runs th:nth-child(5), .runs td:nth-child(5), .runs th:nth-child(6), .runs td:nth-child(6) { display: none; }
          .runs td .muted { display: none; }
          .stats { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; }
          .stat { padding: 0.5rem 0.6rem; }
          .stat .value { font-size: 1.2rem; }
        }
        """
}
