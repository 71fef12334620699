import Testing
@testable import Manifest

@Suite struct ProcfileTests {
    private func parse(_ text: String) -> (procfile: Procfile?, diagnostics: [ManifestDiagnostic]) {
        ProcfileParser.parse(Array(text.utf8))
    }

    @Test func readsTypesCommentsBlankLinesAndCRLF() throws {
        let result = parse("# processes\r\nweb: bundle exec puma -p $PORT\r\n\r\n  worker:bundle exec sidekiq -c 5  \nrelease: rake db:migrate\nclock_2-x: ruby clock.rb: with colon")
        let procfile = try #require(result.procfile)
        #expect(result.diagnostics.isEmpty)
        #expect(procfile.processTypes == ["web", "worker", "release", "clock_2-x"])
        #expect(procfile.web?.command == "bundle exec puma -p $PORT")
        #expect(procfile["worker"] == ProcessDeclaration(type: "worker", command: "bundle exec sidekiq -c 5", line: 4))
        #expect(procfile.release?.line == 5)
        #expect(procfile["clock_2-x"]?.command == "ruby clock.rb: with colon")
    }

    @Test func everyMalformedLineIsAnErrorWithItsLineNumber() {
        let result = parse("web: ok\nno colon here\nweb server: x\n: nothing\nworker:\nweb: again\nwörker: x\n")
        #expect(result.procfile == nil)
        #expect(result.diagnostics.errors == [
            "Procfile:2: expected `type: command`, found \"no colon here\" (no ':')",
            "Procfile:3: invalid process type \"web server\": use letters, digits, '_' and '-'",
            "Procfile:4: invalid process type an empty name: use letters, digits, '_' and '-'",
            "Procfile:5: process type \"worker\" has no command",
            "Procfile:6: duplicate process type \"web\" (first declared on line 1)",
            "Procfile:7: invalid process type \"wörker\": use letters, digits, '_' and '-'",
        ])
    }

    @Test func invalidUTF8IsAnErrorOnItsLine() {
        let result = ProcfileParser.parse(Array("web: ok\n".utf8) + [0x77, 0x3A, 0x20, 0xFF, 0x0A])
        #expect(result.diagnostics.errors == ["Procfile:2: the line is not valid UTF-8"])
    }

    @Test func emptyProcfileWarns() {
        let result = parse("# nothing yet\n\n")
        #expect(result.procfile == Procfile())
        #expect(result.diagnostics.warnings == ["Procfile: declares no process types"])
    }

    @Test func floodsOfBadLinesAreCappedWithACount() {
        let result = parse(String(repeating: "bad line\n", count: 500))
        #expect(result.diagnostics.count == DiagnosticCollector.limit + 1)
        #expect(result.diagnostics.last?.description == "Procfile: 300 more errors not shown")
    }
}
