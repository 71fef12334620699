import Testing
@testable import Sharding

@Suite("Split plans and timing history")
struct PlanningTests {
    @Test("history estimates: median of samples, unknown files get the median known, none at all weigh 1")
    func estimates() {
        var history = TimingHistory()
        #expect(history.estimates(for: ["a", "b"]) == ["a": 1, "b": 1])
        history.record(["a": 10, "b": 2, "c": 4])
        history.record(["a": 30])
        history.record(["a": 12])
        #expect(history.recordedEstimate(for: "a") == 12)
        let estimates = history.estimates(for: ["a", "b", "new"])
        #expect(estimates["new"] == 7)  // median of 12 and 2
        #expect(estimates["b"] == 2)
    }

    @Test("history keeps the last five samples and ignores nonsense")
    func samplesKept() {
        var history = TimingHistory()
        for value in 1...8 { history.record(["a": Double(value)]) }
        history.record(["a": -1, "b": .nan])
        #expect(history.files["a"] == [4, 5, 6, 7, 8])
        #expect(history.files["b"] == nil)
    }

    @Test("balanced plan: longest first onto the least-loaded worker; every file exactly once")
    func balanced() {
        let estimates: [String: Double] = ["a": 8, "b": 7, "c": 6, "d": 5, "e": 4, "f": 3, "g": 2, "h": 1]
        let plan = ShardPlanner.balanced(files: Array(estimates.keys), estimates: estimates, workers: 3)
        #expect(plan.flatMap { $0 }.sorted() == estimates.keys.sorted())
        // LPT is not always optimal (12 is possible here) but stays within 4/3 of it.
        #expect(ShardPlanner.makespan(of: plan, estimates: estimates) == 13)
        #expect(ShardPlanner.lowerBound(durations: Array(estimates.values), workers: 3) == 12)
    }

    @Test("balanced plan beats round-robin on a long tail")
    func beatsRoundRobin() {
        var estimates: [String: Double] = [:]
        for index in 0..<100 { estimates[String(format: "t%03d", index)] = index % 10 == 0 ? 20 : 1 }
        let files = estimates.keys.sorted()
        let balanced = ShardPlanner.makespan(of: ShardPlanner.balanced(files: files, estimates: estimates, workers: 10),
                                             estimates: estimates)
        let roundRobin = ShardPlanner.makespan(of: ShardPlanner.roundRobin(files: files, workers: 10), estimates: estimates)
        #expect(balanced == 29)
        #expect(roundRobin == 200)
    }

    @Test("more workers than files: the extra shards are empty")
    func emptyShards() {
        let plan = ShardPlanner.balanced(files: ["a", "b"], estimates: [:], workers: 5)
        #expect(plan.filter(\.isEmpty).count == 3)
    }

    @Test("queue: longest first, every file exactly once, batches shrink towards the end")
    func queueBatches() {
        var estimates: [String: Double] = [:]
        for index in 0..<200 { estimates["f\(index)"] = Double(index % 7 + 1) }
        var queue = TestQueue(files: Array(estimates.keys), estimates: estimates, workers: 4)
        var batches: [[String]] = []
        while let batch = queue.next() { batches.append(batch) }
        #expect(batches.flatMap { $0 }.count == 200)
        #expect(Set(batches.flatMap { $0 }).count == 200)
        #expect(estimates[batches[0][0]] == 7)
        #expect(batches.first!.count > 1)
        #expect(batches.last!.count == 1)
        #expect(batches.allSatisfy { $0.count <= 16 })
        #expect(queue.isEmpty)
    }

    @Test("{files} is replaced by shell-quoted files, or they are appended")
    func commandTemplate() {
        #expect(CommandTemplate.render("pytest {files} -q", files: ["a b.py", "c.py"]) == "pytest 'a b.py' c.py -q")
        #expect(CommandTemplate.render("rspec", files: ["it's.rb"]) == "rspec 'it'\\''s.rb'")
        #expect(CommandTemplate.render("npm test", files: []) == "npm test")
        #expect(CommandTemplate.render("go test {files}", files: []) == "go test ")
    }

    @Test("size prior: proportional to bytes, the median file weighs 1, empty files still count")
    func sizePrior() {
        let estimates = SizePrior.estimates(sizes: ["a": 100, "b": 400, "c": 200, "d": 0])
        #expect(estimates["c"] == 1)
        #expect(estimates["b"] == 2)
        #expect(estimates["a"] == 0.5)
        #expect(estimates["d"]! > 0)
        #expect(SizePrior.estimates(sizes: ["x": 0]) == ["x": 1])
    }
}
