import Foundation
import Processes

/// Parses a JUnit file with Python's `xml.dom.minidom`: an independent check that the XML is well-formed.
enum PythonXML {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Each `<testsuite>`'s name and its `slipway.status` property.
    static func suites(in path: String) throws -> [String: String] {
        let script = """
        import sys, xml.dom.minidom
        document = xml.dom.minidom.parse(sys.argv[1])
        for suite in document.getElementsByTagName("testsuite"):
            status = [p.getAttribute("value") for p in suite.getElementsByTagName("property") if p.getAttribute("name") == "slipway.status"]
            print(suite.getAttribute("name") + "\\t" + (status[0] if status else ""))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(description: "python3 could not parse it: \(text)") }
        var suites: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            if parts.count == 2 { suites[String(parts[0])] = String(parts[1]) }
        }
        return suites
    }
}
