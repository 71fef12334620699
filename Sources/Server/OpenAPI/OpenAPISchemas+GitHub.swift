/// The schemas of reporting back to GitHub.
extension OpenAPISchemas {
    static func gitHubSchemas() -> [String: Any] {
        let optionalInteger: [String: Any] = ["type": ["integer", "null"]]
        return [
            "GitHubSettingsPut": object([
                "owner": ["type": "string", "description": "default: from the pipeline's repository URL"],
                "repository": ["type": "string", "description": "default: from the pipeline's repository URL"],
                "api_url": ["type": "string", "default": "https://api.github.com", "description": "GitHub Enterprise: https://HOST/api/v3"],
                "token": ["type": "string", "writeOnly": true, "description": "a token with statuses, deployments, pull requests and contents write"],
                "app_id": ["type": "string", "description": "a GitHub App's id, with installation_id and private_key"],
                "installation_id": ["type": "integer", "minimum": 1],
                "private_key": ["type": "string", "writeOnly": true, "description": "the App's RSA private key (PEM)"],
                "pull_request_comment": ["type": "boolean", "default": false],
            ], required: []),
            "GitHubSettings": object([
                "pipeline": name, "owner": ["type": "string"], "repository": ["type": "string"], "api_url": ["type": "string"],
                "credentials": ["type": "string", "enum": ["token", "app"]], "app_id": optionalString,
                "installation_id": optionalInteger, "pull_request_comment": ["type": "boolean"], "updated_at": dateTime,
            ], required: ["pipeline", "owner", "repository", "api_url", "credentials", "pull_request_comment", "updated_at"]),
            "GitHubDelivery": object([
                "id": ["type": "integer"], "pipeline": name,
                "kind": ["type": "string", "enum": ["commit_status", "deployment", "deployment_status", "comment"]],
                "method": ["type": "string", "enum": ["POST", "PATCH"]], "path": ["type": "string"],
                "state": ["type": "string", "enum": ["pending", "delivered", "failed", "superseded"]],
                "attempts": ["type": "integer", "minimum": 0], "next_attempt_at": dateTime,
                "last_status": optionalInteger, "last_response": optionalString,
                "created_at": dateTime, "finished_at": optionalDateTime,
            ], required: ["id", "pipeline", "kind", "method", "path", "state", "attempts", "next_attempt_at", "created_at"]),
        ]
    }
}
