/// The schemas of the remote test workers' routes (`APIRouteCatalog.workerCatalogRoutes`).
extension OpenAPISchemas {
    static func workerSchemas() -> [String: Any] {
        let seconds: [String: Any] = ["type": "number", "minimum": 0]
        let stringMap: [String: Any] = ["type": "object", "additionalProperties": ["type": "string"]]
        let batch = object([
            "sequence": ["type": "integer", "minimum": 1], "files": ["type": "array", "items": ["type": "string"]],
            "attempt": ["type": "integer", "minimum": 1], "shard": ["type": "integer", "minimum": 0],
        ], required: ["sequence", "files", "attempt"])
        return [
            "WorkerHeartbeat": object(["slots": ["type": "integer", "minimum": 1, "maximum": 32,
                                                 "description": "how many slots (test workers) this worker runs at once"]],
                                      required: ["slots"]),
            "Worker": object([
                "name": name, "slots": ["type": "integer", "minimum": 1, "maximum": 32],
                "state": ["type": "string", "enum": ["idle", "busy", "draining", "lost"]],
                "last_heartbeat": dateTime, "heartbeat_seconds": seconds,
                "work": ["type": "array", "items": object([
                    "test_run": ["type": "string"], "slot": ["type": "integer", "minimum": 0],
                    "batch": ["type": "integer", "minimum": 1], "files": ["type": "integer", "minimum": 0],
                    "ready": ["type": "boolean"],
                ], required: ["test_run", "slot", "files", "ready"])],
            ], required: ["name", "slots", "state", "last_heartbeat", "heartbeat_seconds", "work"]),
            "LeaseGrant": object([
                "granted": ["type": "boolean"],
                "slot": object([
                    "lease": ["type": "string", "pattern": "^lease-[0-9a-f]{1,64}$"], "run": ["type": "string"],
                    "slot": ["type": "integer", "minimum": 0], "total": ["type": "integer", "minimum": 1, "maximum": 32],
                    "tree": ["type": "string"], "setup_command": ["type": "string"], "test_command": ["type": "string"],
                    "environment": stringMap, "extra_environment": stringMap,
                    "known_files": ["type": "array", "items": ["type": "string"]],
                    "estimates": ["type": "object", "additionalProperties": ["type": "number"]],
                    "junit_pattern": ["type": "string"], "sandbox_network": ["type": "string", "enum": ["shared", "none"]],
                    "branch": ["type": "string"], "commit": ["type": "string"], "heartbeat_seconds": seconds,
                ], required: ["lease", "run", "slot", "total", "tree", "test_command", "environment", "extra_environment",
                              "known_files", "estimates", "sandbox_network", "branch", "commit", "heartbeat_seconds"]),
            ], required: ["granted"]),
            "TreeArchive": ["type": "string", "contentMediaType": "application/x-tar",
                            "description": "a tar archive of the tree under test (without .git and .slipway)"],
            "SetupReport": object([
                "succeeded": ["type": "boolean"], "seconds": seconds,
                "message": ["type": "string"], "output_tail": ["type": "string"],
            ], required: ["succeeded", "seconds"]),
            "NextBatch": object([
                "state": ["type": "string", "enum": ["batch", "wait", "done"]], "batch": batch,
            ], required: ["state"]),
            "BatchReport": object([
                "verdicts": ["type": "array", "items": object([
                    "file": ["type": "string"], "passed": ["type": "boolean"], "reason": ["type": "string"],
                    "cases": ["type": "array", "items": object([
                        "name": ["type": "string"], "class_name": ["type": "string"], "file": ["type": "string"],
                        "seconds": ["type": "number"], "outcome": ["type": "string", "enum": ["passed", "failed", "skipped"]],
                        "message": ["type": "string"],
                    ], required: ["name", "outcome"])],
                ], required: ["file", "passed", "cases"])],
                "seconds": ["type": "object", "additionalProperties": seconds],
                "wall_seconds": seconds, "output_tail": ["type": "string"], "interrupted": ["type": "boolean"],
            ], required: ["verdicts", "seconds", "wall_seconds", "output_tail", "interrupted"]),
        ]
    }
}
