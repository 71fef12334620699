extension APIRouteCatalog {
    /// Remote test workers (`slipway worker`, README "Remote test workers"). A worker token may use these routes
    /// and nothing else (`workerRoutes`); the listing is a read, draining needs admin. The links tell a client (and
    /// schemathesis's stateful phase) exactly which response values feed which later call.
    static let workerCatalogRoutes: [APIRouteDescription] = [
        .init(method: "get", path: "/api/v1/workers", operationID: "listWorkers",
              summary: "Remote test workers: name, slots, state (idle, busy, draining, lost), last heartbeat and current work",
              successStatus: 200, responseSchema: "[Worker]", errorStatuses: []),
        .init(method: "put", path: "/api/v1/workers/{worker}", operationID: "heartbeatWorker",
              summary: "Register a worker or record its heartbeat (extends every lease it holds); the token it registers with owns its leases",
              requestSchema: "WorkerHeartbeat", successStatus: 200, responseSchema: "Worker", errorStatuses: [400, 413, 422],
              links: [
                  .init(name: "LeaseASlot", operationID: "leaseSlot", parameters: ["worker": "$response.body#/name"]),
                  .init(name: "DrainTheWorker", operationID: "drainWorker", parameters: ["worker": "$response.body#/name"]),
              ]),
        .init(method: "post", path: "/api/v1/workers/{worker}/drain", operationID: "drainWorker",
              summary: "Stop new leases to a worker; what it holds finishes", successStatus: 200, responseSchema: "Worker",
              errorStatuses: [404, 422]),
        .init(method: "post", path: "/api/v1/workers/{worker}/leases", operationID: "leaseSlot",
              summary: "Long poll for a slot of a test run (granted=false when none waits within wait seconds, the worker drains or its slots are all leased)",
              successStatus: 200, responseSchema: "LeaseGrant", errorStatuses: [404, 422],
              queryParameters: [.wait],
              links: [
                  .init(name: "DownloadTheTree", operationID: "downloadTree", parameters: ["tree": "$response.body#/slot/tree"]),
                  .init(name: "ReportTestSetup", operationID: "reportTestSetup", parameters: ["lease": "$response.body#/slot/lease"]),
                  .init(name: "HandTheLeaseBack", operationID: "releaseLease", parameters: ["lease": "$response.body#/slot/lease"]),
              ]),
        .init(method: "get", path: "/api/v1/trees/{tree}", operationID: "downloadTree",
              summary: "The tree under test as a tar archive, addressed by its tree id (cache it: the same id is the same tree)",
              successStatus: 200, responseSchema: "TreeArchive", errorStatuses: [404, 422], responseContentType: "application/x-tar"),
        .init(method: "post", path: "/api/v1/leases/{lease}/setup", operationID: "reportTestSetup",
              summary: "Report the slot's test-setup (once per lease); 410 once the lease ended",
              requestSchema: "SetupReport", successStatus: 204, errorStatuses: [400, 404, 409, 410, 413, 422],
              links: [.init(name: "AskForABatch", operationID: "nextBatch", parameters: ["lease": "$request.path.lease"])]),
        .init(method: "post", path: "/api/v1/leases/{lease}/batches", operationID: "nextBatch",
              summary: "Long poll for the slot's next batch: state batch (with it), wait (ask again) or done (no more: the lease ended)",
              successStatus: 200, responseSchema: "NextBatch", errorStatuses: [404, 409, 410, 422], queryParameters: [.wait],
              links: [.init(name: "ReportTheBatch", operationID: "reportBatch",
                            parameters: ["lease": "$request.path.lease", "sequence": "$response.body#/batch/sequence"])]),
        .init(method: "put", path: "/api/v1/leases/{lease}/batches/{sequence}", operationID: "reportBatch",
              summary: "Report a batch: per-file verdicts, seconds and the output tail; 410 when the lease expired first. "
                  + "Answers with the slot's next batch as nextBatch does (waiting up to wait seconds): one call per batch",
              requestSchema: "BatchReport", successStatus: 200, responseSchema: "NextBatch",
              errorStatuses: [400, 404, 409, 410, 413, 422], queryParameters: [.wait],
              links: [
                  .init(name: "ReportTheNextBatch", operationID: "reportBatch",
                        parameters: ["lease": "$request.path.lease", "sequence": "$response.body#/batch/sequence"]),
                  .init(name: "AskForABatch", operationID: "nextBatch", parameters: ["lease": "$request.path.lease"]),
              ]),
        .init(method: "delete", path: "/api/v1/leases/{lease}", operationID: "releaseLease",
              summary: "Hand a lease back (the worker stops): its batch in flight goes back to the run",
              successStatus: 204, errorStatuses: [404, 410, 422]),
    ]
}

extension APIQueryParameter {
    static let wait = APIQueryParameter(name: "wait", description: "seconds to wait for work (default 0)", type: "integer",
                                        minimum: 0, maximum: 5)
}
