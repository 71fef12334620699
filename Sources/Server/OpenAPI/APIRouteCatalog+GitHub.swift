/// The routes of reporting back to GitHub: a pipeline's settings (admin to change: they hold credentials) and
/// the outbox's deliveries.
extension APIRouteCatalog {
    static let gitHubRoutes: [APIRouteDescription] = [
        .init(method: "get", path: "/api/v1/pipelines/{name}/github", operationID: "showGitHubSettings",
              summary: "How the pipeline reports back to GitHub: repository, API and kind of credentials (never the secret)",
              successStatus: 200, responseSchema: "GitHubSettings", errorStatuses: [404, 422]),
        .init(method: "put", path: "/api/v1/pipelines/{name}/github", operationID: "replaceGitHubSettings",
              summary: "Report the pipeline's checks to GitHub: owner and repository (default: from the repository URL), API URL, and a token or a GitHub App (app_id, installation_id, private_key)",
              requestSchema: "GitHubSettingsPut", successStatus: 200, responseSchema: "GitHubSettings", errorStatuses: [400, 404, 413, 422]),
        .init(method: "delete", path: "/api/v1/pipelines/{name}/github", operationID: "deleteGitHubSettings",
              summary: "Stop reporting the pipeline to GitHub (its deliveries stay as history)",
              successStatus: 204, errorStatuses: [404, 422]),
        .init(method: "get", path: "/api/v1/github/deliveries", operationID: "listGitHubDeliveries",
              summary: "The outbox of requests to GitHub, newest first, with GitHub's last answer (failed ones unless state says otherwise)",
              successStatus: 200, responseSchema: "[GitHubDelivery]", errorStatuses: [404, 422],
              queryParameters: [
                  .init(name: "pipeline", description: "only this pipeline's deliveries", type: "string",
                        pattern: "^[a-z][a-z0-9-]{0,29}$"),
                  .init(name: "state", description: "failed (default), pending, delivered, superseded or all", type: "string",
                        allowed: ["failed", "pending", "delivered", "superseded", "all"]),
                  .limit(default: "100"),
              ]),
    ]
}
