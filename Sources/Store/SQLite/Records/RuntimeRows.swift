import Foundation
import SlipwayModel
import GRDB

struct FormationRow: StoreRecord {
    static let databaseTableName = "formation"

    var app: String
    var processType: String
    var quantity: Int
    var size: String

    var value: FormationEntry { FormationEntry(processType: processType, quantity: quantity, size: size) }
}

struct DynoRow: StoreRecord {
    static let databaseTableName = "dynos"

    var id: Int64?
    var app: String
    var releaseVersion: Int
    var name: String
    var processType: String
    var pid: Int32?
    var pgid: Int32?
    var port: Int?
    var state: String
    var startedAt: Int64
    var updatedAt: Int64

    init(_ dyno: Dyno, id: Int64?) {
        self.id = id
        app = dyno.app.rawValue
        releaseVersion = dyno.releaseVersion
        name = dyno.name
        processType = dyno.processType
        pid = dyno.pid
        pgid = dyno.pgid
        port = dyno.port
        state = dyno.state.rawValue
        startedAt = dyno.startedAt.storeMilliseconds
        updatedAt = dyno.updatedAt.storeMilliseconds
    }

    func value() throws -> Dyno {
        Dyno(
            id: id ?? 0,
            app: try storedName(app),
            releaseVersion: releaseVersion,
            name: name,
            processType: processType,
            pid: pid,
            pgid: pgid,
            port: port,
            state: try storedEnum(state, DynoState.self),
            startedAt: Date(storeMilliseconds: startedAt),
            updatedAt: Date(storeMilliseconds: updatedAt))
    }
}

struct OperationRow: StoreRecord {
    static let databaseTableName = "operations"

    var id: Int64?
    var kind: String
    var app: String?
    var pipeline: String?
    var state: String
    var reason: String?
    var startedAt: Int64
    var finishedAt: Int64?

    func value() throws -> TrackedOperation {
        TrackedOperation(
            id: id ?? 0,
            kind: kind,
            app: try app.map(storedName),
            pipeline: try pipeline.map(storedName),
            state: try storedEnum(state, OperationState.self),
            reason: reason,
            startedAt: Date(storeMilliseconds: startedAt),
            finishedAt: finishedAt.map(Date.init(storeMilliseconds:)))
    }
}
