import Orchestration
/// The schemas of the pull-request routes and the webhook receiver.
extension OpenAPISchemas {
    static func pullRequestSchemas() -> [String: Any] {
        let string: [String: Any] = ["type": "string"]
        let strings: [String: Any] = ["type": "array", "items": string]
        let check = object([
            "context": string, "state": ["type": "string", "enum": ["pending", "success", "failure", "error"]],
            "description": string, "commit": string, "created_at": dateTime,
        ], required: ["context", "state", "description", "commit", "created_at"])
        return [
            "PullRequestRecord": object([
                "number": ["type": "integer", "minimum": 1],
                "state": ["type": "string", "enum": ["open", "closed", "merged", "stale"]],
                "branch": string, "head": string, "from_fork": ["type": "boolean"],
            ], required: ["number", "state", "branch", "head", "from_fork"]),
            "SyncAccepted": object(["status": string], required: ["status"]),
            "PullRequestStatus": object([
                "pipeline": name, "number": ["type": "integer"], "state": string, "branch": string, "head": string,
                "fork": [
                    "type": ["object", "null"], "additionalProperties": false,
                    "description": "present for a pull request from a fork",
                    "properties": [
                        "policy": forkPolicy, "waiting_for_approval": ["type": "boolean"],
                        "approve_command": optionalString, "approved_head": optionalString,
                        "approved_by": optionalString, "approved_at": optionalDateTime,
                    ],
                ],
                "target": string, "merge_commit": optionalString, "conflicts": strings,
                "checks": ["type": "array", "items": check], "check_history": ["type": "array", "items": check],
                "review_app": [
                    "type": ["object", "null"], "additionalProperties": false,
                    "properties": ["app": name, "state": string, "url": optionalString, "merge_commit": optionalString],
                ],
                "test_runs": ["type": "array", "items": object([
                    "id": string, "state": string, "commit": string, "workers": ["type": "integer"],
                    "wall_seconds": ["type": ["number", "null"]], "message": optionalString,
                ], required: ["id", "state", "commit", "workers"])],
                "mergeable": ["type": "boolean"], "gate_reason": string,
                "decisions": ["type": "array", "items": object([
                    "verdict": ["type": "string", "enum": ["merged", "refused"]], "reason": string,
                    "merge_commit": optionalString, "decided_at": dateTime,
                ], required: ["verdict", "reason", "decided_at"])],
            ], required: ["pipeline", "number", "state", "branch", "head", "target", "conflicts", "checks", "check_history",
                          "test_runs", "mergeable", "gate_reason", "decisions"]),
            "GateOutcome": object([
                "pipeline": name, "number": ["type": "integer"], "merged": ["type": "boolean"], "reason": string,
                "merge_commit": optionalString, "previous_target": optionalString,
                "deploys": ["type": "array", "items": object([
                    "app": name, "succeeded": ["type": "boolean"], "release": ["type": ["integer", "null"]], "reason": optionalString,
                ], required: ["app", "succeeded"])],
            ], required: ["pipeline", "number", "merged", "reason", "deploys"]),
            "ApprovalOutcome": object([
                "pipeline": name, "number": ["type": "integer"], "head": string, "approved_by": string,
                "approved_at": dateTime,
            ], required: ["pipeline", "number", "head", "approved_by", "approved_at"]),
            "GitHubPayload": [
                "type": "object",
                "description": "a GitHub pull_request or push payload (X-GitHub-Event names which); other events are acknowledged and ignored",
            ],
            "WebhookAnswer": object(["status": ["type": "string", "enum": ["accepted", "duplicate", "ignored"]],
                                     "pipelines": strings, "detail": strings],
                                    required: ["status", "pipelines", "detail"]),
        ]
    }
}
