import SlipwayModel
import GRDB

/// A row of one table, mapped by `Codable` with snake_case columns. Row types are internal: callers see the
/// public value types, so the schema can change without changing the API. (Identifiers in row types are
/// spelled `commitId`, not `commitID`, so the snake_case conversion round-trips.)
protocol StoreRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoreRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}
