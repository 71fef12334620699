import Sandbox
import SlipwayModel
/// The JSON schemas of the API's bodies (OpenAPI 3.1, i.e. JSON Schema 2020-12), as plain JSON objects.
enum OpenAPISchemas {
    static var name: [String: Any] {
        [
            "type": "string", "pattern": "^[a-z][a-z0-9-]{0,29}$",
            "description": "lowercase letters, digits and '-', starting with a letter, at most 30 characters",
        ]
    }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static var optionalDateTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    static var optionalString: [String: Any] { ["type": ["string", "null"]] }
    static var stage: [String: Any] { ["type": "string", "enum": ["review", "development", "staging", "production"]] }
    static var forkPolicy: [String: Any] {
        ["type": "string", "enum": ["approve", "run", "ignore"], "default": "approve",
         "description": "what happens to pull requests from forks: held until approved, run, or ignored"]
    }

    static func object(_ properties: [String: Any], required: [String], open: Bool = false) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required, "additionalProperties": open]
    }

    static func all() -> [String: Any] {
        core().merging(pullRequestSchemas()) { core, _ in core }.merging(gitHubSchemas()) { core, _ in core }
            .merging(workerSchemas()) { core, _ in core }
    }

    private static func core() -> [String: Any] {
        [
            "Error": object([
                "id": ["type": "string", "description": "not_found, invalid_value, invalid_name, unauthorized, …"],
                "message": ["type": "string"],
                "field": ["type": "string", "description": "the input at fault, for 422"],
            ], required: ["id", "message"]),
            "Health": object(["status": ["type": "string"]], required: ["status"]),
            "Document": ["type": "object", "description": "an OpenAPI 3.1 document"],
            "PipelineCreate": object([
                "name": name, "repository": repositoryLocation,
                "target_branch": ["type": "string", "default": "main"],
                "fork_pull_requests": forkPolicy,
            ], required: ["name", "repository"]),
            "Pipeline": object([
                "name": name, "repository": ["type": "string"], "target_branch": ["type": "string"],
                "review_config_var_keys": ["type": "array", "items": ["type": "string"]],
                "forks_get_review_config_vars": ["type": "boolean"], "fork_pull_requests": forkPolicy, "created_at": dateTime,
                "apps": ["type": "array", "items": object(["name": name, "stage": stage], required: ["name", "stage"])],
            ], required: ["name", "repository", "target_branch", "review_config_var_keys", "forks_get_review_config_vars",
                          "fork_pull_requests", "created_at"]),
            "PipelineUpdate": [
                "type": "object", "minProperties": 1, "additionalProperties": false,
                "properties": [
                    "repository": repositoryLocation, "target_branch": ["type": "string"],
                    "forks_get_review_config_vars": ["type": "boolean"], "fork_pull_requests": forkPolicy,
                ],
            ],
            "AppCreate": object(["name": name, "pipeline": name, "stage": stage], required: ["name"])
                .merging(["dependentRequired": ["stage": ["pipeline"], "pipeline": ["stage"]],
                          "description": "pipeline and stage come together: an app is in a pipeline at a stage, or in none"]) { $1 },
            "App": object([
                "name": name, "pipeline": optionalString, "stage": optionalString, "created_at": dateTime,
                "review": object([
                    "pr_number": ["type": "integer"], "branch": ["type": "string"], "head_commit": ["type": "string"],
                    "merge_commit": optionalString, "from_fork": ["type": "boolean"],
                    "state": ["type": "string", "enum": ["creating", "deployed", "failed", "destroyed"]],
                    "url_host": optionalString,
                ], required: ["pr_number", "branch", "head_commit", "from_fork", "state"]),
            ], required: ["name", "created_at"]),
            "ConfigVars": ["type": "object", "additionalProperties": ["type": "string"]],
            "ConfigVarsPatch": [
                "type": "object", "minProperties": 1,
                "propertyNames": ["pattern": "^[A-Za-z_][A-Za-z0-9_]*$"],
                "additionalProperties": ["type": ["string", "null"]],
                "description": "a string sets the key, null unsets it",
            ],
            "ConfigChange": object([
                "config_vars": ["$ref": "#/components/schemas/ConfigVars"],
                "release": ["$ref": "#/components/schemas/Release"],
            ], required: ["config_vars", "release"]),
            "Release": object([
                "app": name, "version": ["type": "integer", "minimum": 1], "label": ["type": "string"],
                "build_id": optionalString, "config_keys": ["type": "array", "items": ["type": "string"]],
                "description": ["type": "string"],
                "state": ["type": "string", "enum": ["pending", "succeeded", "failed"]],
                "release_phase_output": optionalString, "created_at": dateTime, "finished_at": optionalDateTime,
            ], required: ["app", "version", "label", "config_keys", "description", "state", "created_at"]),
            "FormationEntry": object([
                "type": ["type": "string"], "quantity": ["type": "integer", "minimum": 0], "size": ["type": "string"],
            ], required: ["type", "quantity", "size"]),
            "FormationPatch": object([
                "updates": [
                    "type": "array", "minItems": 1,
                    "items": object([
                        "type": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,30}$"],
                        "quantity": ["type": "integer", "minimum": 0, "maximum": FormationController.maximumQuantity],
                        "size": ["type": "string", "enum": ResourceLimits.knownSizes, "default": "standard-1x"],
                    ], required: ["type", "quantity"]),
                ],
            ], required: ["updates"]),
            "DeployCreate": [
                "type": "object", "additionalProperties": false,
                "description": "either directory, or repository and rev",
                "properties": [
                    "directory": ["type": "string", "description": "an absolute path on the service's machine"],
                    "repository": ["type": "string", "description": "an absolute path to a git repository on the service's machine"],
                    "rev": ["type": "string", "description": "a branch, tag or commit id in repository"],
                ],
                "oneOf": [["required": ["directory"]], ["required": ["repository", "rev"]]],
            ],
            "RollbackCreate": object(["version": ["type": "integer", "minimum": 1, "maximum": 999_999_999]], required: []),
            "PromotionCreate": object(["to": ["type": "array", "items": name]], required: []),
            "DeployResult": object([
                "app": name, "release": ["$ref": "#/components/schemas/Release"], "succeeded": ["type": "boolean"],
                "reason": ["type": "string"], "output": ["type": "string"],
            ], required: ["app", "release", "succeeded"]),
            "Promotion": object([
                "source": name, "source_release": ["type": "integer"], "build_id": ["type": "string"],
                "targets": ["type": "array", "items": ["$ref": "#/components/schemas/DeployResult"]],
            ], required: ["source", "source_release", "build_id", "targets"]),
            "Dyno": object([
                "name": ["type": "string"], "type": ["type": "string"], "release": ["type": "integer"],
                "state": ["type": "string", "enum": ["starting", "up", "crashed", "stopped"]],
                "port": ["type": "integer"], "restarts": ["type": "integer"],
            ], required: ["name", "type", "release", "state", "port", "restarts"]),
            "LogLine": object([
                "time": dateTime, "source": ["type": "string"], "text": ["type": "string"],
            ], required: ["time", "source", "text"]),
            "MetricsText": ["type": "string", "description": "Prometheus text exposition format 0.0.4"],
            "AddOn": object([
                "service": ["type": "string", "enum": ["heroku-postgresql", "heroku-redis"]],
                "resource": ["type": "string"], "state": ["type": "string", "enum": ["available", "incomplete"]],
                "url": ["type": "string", "description": "the URL the app signs in with; its password is •••• unless revealed"],
            ], required: ["service", "resource", "state", "url"]),
            "TokenCreate": object(["name": name, "scope": tokenScope], required: ["name"]),
            "CreatedToken": object(["name": name, "scope": tokenScope, "token": ["type": "string"], "created_at": dateTime],
                                   required: ["name", "scope", "token", "created_at"]),
            "Token": object([
                "name": name, "scope": tokenScope, "created_at": dateTime, "last_used_at": optionalDateTime,
                "revoked_at": optionalDateTime,
            ], required: ["name", "scope", "created_at"]),
        ]
    }

    /// read < deploy < admin; `admin` when a new token names none.
    static var tokenScope: [String: Any] { [
        "type": "string", "enum": TokenScope.allCases.map(\.rawValue), "default": "admin",
        "description": "read: every GET but config var values, and the dashboard; deploy: read plus deploys, rollbacks, promotions, config vars, scaling and pr sync/merge/approve; admin: everything",
    ] }

    /// A pipeline's repository, as `RepositoryLocation` checks it.
    static var repositoryLocation: [String: Any] { [
        "type": "string", "minLength": 1, "maxLength": 2048,
        // The shapes RepositoryLocation accepts; that a path is a repository the service can open (and may:
        // `serve --allow-path`) is checked on the server (422 / 403).
        "pattern": "^(/|[Hh][Tt][Tt][Pp][Ss]?://[^/]|[Ss][Ss][Hh]://[^/]|[Gg][Ii][Tt]://[^/]|[Ff][Ii][Ll][Ee]://|[^@/]+@[^:/]+:.)",
        "description": "a URL with scheme https, http, ssh, git or file (with a host, but for file), an scp-like user@host:path, "
            + "or an absolute path to a git repository the service can open; anything else is a 422 naming repository",
    ] }
}
