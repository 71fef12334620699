import Foundation
import SlipwayModel
import Store

/// The colour each state is shown in, in one place so every page agrees.
enum Tones {
    static func review(_ state: ReviewAppState) -> Badge {
        switch state {
        case .creating: Badge("creating", tone: "run")
        case .deployed: Badge("deployed", tone: "ok")
        case .failed: Badge("failed", tone: "bad")
        case .destroyed: Badge("destroyed", tone: "idle")
        }
    }

    static func check(_ state: CheckState) -> Badge {
        switch state {
        case .pending: Badge("pending", tone: "run")
        case .success: Badge("success", tone: "ok")
        case .failure: Badge("failure", tone: "bad")
        case .error: Badge("error", tone: "bad")
        }
    }

    static func testRun(_ state: TestRunState) -> Badge {
        switch state {
        case .pending: Badge("pending", tone: "run")
        case .queued: Badge("queued", tone: "idle")
        case .running: Badge("running", tone: "run")
        case .succeeded: Badge("passed", tone: "ok")
        case .failed: Badge("failed", tone: "bad")
        case .error: Badge("error", tone: "bad")
        case .cancelled: Badge("cancelled", tone: "idle")
        }
    }

    static func file(_ status: TestFileStatus) -> Badge {
        switch status {
        case .passed: Badge("passed", tone: "ok")
        case .failed: Badge("failed", tone: "bad")
        case .flaky: Badge("flaky", tone: "warn")
        }
    }

    static func release(_ state: ReleaseState) -> Badge {
        switch state {
        case .pending: Badge("pending", tone: "run")
        case .succeeded: Badge("succeeded", tone: "ok")
        case .failed: Badge("failed", tone: "bad")
        }
    }

    static func dyno(_ state: String) -> Badge {
        switch state {
        case "starting": Badge(state, tone: "run")
        case "up": Badge(state, tone: "ok")
        case "crashed": Badge(state, tone: "bad")
        default: Badge(state, tone: "idle")
        }
    }

    static func gate(_ verdict: GateVerdict) -> Badge {
        switch verdict {
        case .merged: Badge("merged", tone: "ok")
        case .refused: Badge("refused", tone: "bad")
        }
    }
}
