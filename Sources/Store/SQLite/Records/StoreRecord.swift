import GRDB

/// A row of one table, mapped by `Codable` with snake_case columns. Row types are internal: callers see the
/// public value types, so the schema can change without changing the API. (Identifiers in row types are
/// spelled `commitId`, not `commitID`, so the snake_case conversion round-trips.)
protocol StoreRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoreRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// Turns a name read from the database back into a `ResourceName`. A stored name is valid by construction;
/// one that is not means the file was edited by hand.
func storedName(_ raw: String) throws -> ResourceName {
    do {
        return try ResourceName(raw)
    } catch {
        throw StoreError(.database, "the database holds an invalid name (was the file edited by hand?): \(error.message)")
    }
}

/// Parses a stored enum value, with the same reasoning as `storedName`.
func storedEnum<E: RawRepresentable>(_ raw: String, _ type: E.Type) throws -> E where E.RawValue == String {
    guard let value = E(rawValue: raw) else {
        throw StoreError(.database, "the database holds an unknown \(E.self) '\(raw)' (was it written by a newer Slipway?)")
    }
    return value
}
