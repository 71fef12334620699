/// The schemas of the read-only views of what CI, the merge gate and review apps recorded.
extension OpenAPISchemas {
    private static var optionalInteger: [String: Any] { ["type": ["integer", "null"]] }
    private static var optionalNumber: [String: Any] { ["type": ["number", "null"]] }
    private static var testRunState: [String: Any] {
        ["type": "string", "enum": ["pending", "queued", "running", "succeeded", "failed", "error", "cancelled"]]
    }
    private static func strings() -> [String: Any] { ["type": "array", "items": ["type": "string"]] }

    static func recordViews() -> [String: Any] {
        [
            "Build": object([
                "id": ["type": "string"], "source_type": ["type": "string", "enum": ["commit", "directory"]],
                "source": ["type": "string", "description": "the commit id, or the digest of the directory's contents"],
                "directory": ["type": "string"], "state": ["type": "string", "enum": ["building", "succeeded", "failed"]],
                "output_tail": ["type": "string"], "created_at": dateTime,
            ], required: ["id", "source_type", "source", "directory", "state", "output_tail", "created_at"]),
            "BuildOutput": object([
                "id": ["type": "string"], "offset": ["type": "integer", "minimum": 0],
                "next_offset": ["type": "integer", "minimum": 0], "text": ["type": "string"],
                "running": ["type": "boolean"],
            ], required: ["id", "offset", "next_offset", "text", "running"]),
            "BuildCache": object([
                "entries": ["type": "array", "items": object([
                    "scope": ["type": "string", "description": "the pipeline (or app) the layer belongs to"],
                    "name": ["type": "string"], "builder": ["type": "string"], "runtime": ["type": "string"],
                    "bytes": ["type": "integer"], "last_used": dateTime,
                ], required: ["scope", "name", "builder", "runtime", "bytes", "last_used"])],
                "bytes": ["type": "integer"], "limit_bytes": ["type": "integer"],
            ], required: ["entries", "bytes", "limit_bytes"]),
            "BuildCacheCleared": object(["removed": ["type": "integer", "minimum": 0]], required: ["removed"]),
            "TestRun": object([
                "id": ["type": "string", "format": "uuid"], "pipeline": name, "pr_number": optionalInteger,
                "branch": optionalString, "commit": ["type": "string"], "state": testRunState,
                "workers": ["type": "integer", "minimum": 1, "maximum": 32], "split": optionalString,
                "message": optionalString, "created_at": dateTime, "started_at": optionalDateTime,
                "finished_at": optionalDateTime, "wall_time_seconds": optionalNumber,
                "counts": object([
                    "files": ["type": "integer"], "passed": ["type": "integer"], "failed": ["type": "integer"],
                    "flaky": ["type": "integer"],
                ], required: ["files", "passed", "failed", "flaky"]),
                "shards": [
                    "type": "array", "description": "GET /test-runs/{id} only",
                    "items": object([
                        "index": ["type": "integer", "minimum": 0], "files": strings(), "state": testRunState,
                        "start_offset_seconds": optionalNumber, "end_offset_seconds": optionalNumber,
                        "output_tail": optionalString,
                    ], required: ["index", "files", "state"]),
                ],
                "file_results": [
                    "type": "array", "description": "GET /test-runs/{id} only",
                    "items": object([
                        "path": ["type": "string"], "worker": ["type": "integer"], "seconds": ["type": "number"],
                        "status": ["type": "string", "enum": ["passed", "failed", "flaky"]],
                        "attempts": ["type": "integer", "minimum": 1], "failure": optionalString,
                        "start_offset_seconds": optionalNumber,
                    ], required: ["path", "worker", "seconds", "status", "attempts"]),
                ],
            ], required: ["id", "pipeline", "commit", "state", "workers", "created_at", "counts"]),
            "Check": object([
                "id": ["type": "integer"], "pipeline": name, "commit": ["type": "string"], "context": ["type": "string"],
                "state": ["type": "string", "enum": ["pending", "success", "failure", "error"]],
                "description": ["type": "string"], "target_url": optionalString, "created_at": dateTime,
            ], required: ["id", "pipeline", "commit", "context", "state", "description", "created_at"]),
            "GateDecision": object([
                "id": ["type": "integer"], "pipeline": name, "pr_number": ["type": "integer", "minimum": 1],
                "merge_commit": optionalString, "verdict": ["type": "string", "enum": ["merged", "refused"]],
                "reason": ["type": "string"], "decided_at": dateTime,
            ], required: ["id", "pipeline", "pr_number", "verdict", "reason", "decided_at"]),
            "ReviewApp": object([
                "app": name, "pipeline": name, "pr_number": ["type": "integer", "minimum": 1], "branch": ["type": "string"],
                "head_commit": ["type": "string"], "merge_commit": optionalString, "from_fork": ["type": "boolean"],
                "state": ["type": "string", "enum": ["creating", "deployed", "failed", "destroyed"]],
                "url_host": optionalString,
                "url": ["type": ["string", "null"], "description": "http://<url_host>:<router port>; absent once destroyed"],
                "last_deployed_at": optionalDateTime, "created_at": dateTime,
            ], required: ["app", "pipeline", "pr_number", "branch", "head_commit", "from_fork", "state", "created_at"]),
        ]
    }
}
